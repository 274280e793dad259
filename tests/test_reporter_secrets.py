"""The reporter's secrets against guessing and flooding, through HTTP on the real system: the PIN
goes by POST and is limited per tracking number and per address (growing locks; the right PIN
refused while locked), it is checked before anything about a reply's body is said, complaints
are limited per address, and receipts per recipient.

The module runs its own sandbox with small limits and a short lock. Each test speaks from
addresses of its own (`X-Forwarded-For`, which the web process trusts from 127.0.0.1), so the
tests do not lock each other out.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import httpx
import pytest

from tests.support.accounts import form_token
from tests.support.casework import Officer
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT
from tests.support.waiting import eventually

PIN_FAILURES = 5
ADDRESS_FAILURES = 8
LOCK_SECONDS = 4
COMPLAINTS_PER_ADDRESS = 3
RECEIPTS_PER_RECIPIENT = 2
pytestmark = pytest.mark.sandbox(
    "secrets",
    env={
        "ALUR_PIN_FAILURES": str(PIN_FAILURES),
        "ALUR_PIN_ADDRESS_FAILURES": str(ADDRESS_FAILURES),
        "ALUR_PIN_LOCK_SECONDS": str(LOCK_SECONDS),
        "ALUR_COMPLAINTS_PER_ADDRESS": str(COMPLAINTS_PER_ADDRESS),
        "ALUR_COMPLAINT_WINDOW_SECONDS": "3600",
        "ALUR_RECEIPTS_PER_RECIPIENT": str(RECEIPTS_PER_RECIPIENT),
    },
    mail=True,
)


def address() -> str:
    """An address no other request of the run comes from."""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2]}"


def sent_from(where: str) -> dict[str, str]:
    return {"X-Forwarded-For": where}


def wrong(pin: str, n: int = 0) -> str:
    """A PIN that is not `pin` (the n-th such, n < 999,999)."""
    return f"{(int(pin) + 1 + n) % 1_000_000:06d}"


async def _complaint(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    """A new complaint, sent from an address of its own; its receipt."""
    response = await client.post(
        "/api/complaints", json={**COMPLAINT, **changes}, headers=sent_from(address())
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _track(client: httpx.AsyncClient, number: str, pin: str, where: str) -> httpx.Response:
    return await client.post(f"/api/track/{number}", json={"pin": pin}, headers=sent_from(where))


async def _events(alur: Alur) -> int:
    return (await alur.sql("SELECT count(*) AS n FROM casestore_events"))[0]["n"]


async def test_twenty_wrong_pins_lock_the_number_even_for_the_right_pin_until_the_lock_ends(
    alur: Alur,
) -> None:
    async with alur.http() as client:
        receipt = await _complaint(client)
        number, pin = receipt["tracking_number"], receipt["pin"]
        statuses = [(await _track(client, number, wrong(pin, n), address())).status_code
                    for n in range(20)]  # fmt: skip
        # Four wrong ones are only wrong; the fifth locks the number, whatever the address.
        assert statuses == [404] * (PIN_FAILURES - 1) + [429] * (21 - PIN_FAILURES)
        right = await _track(client, number, pin, address())
        assert right.status_code == 429, right.text
        assert right.json()["error"] == "too_many_attempts"
        assert "coba lagi dalam" in right.json()["message"]
        assert 1 <= int(right.headers["Retry-After"]) <= LOCK_SECONDS
        # The reply endpoint and the tracking page share the number's lock.
        reply = await client.post(
            f"/api/track/{number}/reply", json={"pin": pin, "message": "Halo"},
            headers=sent_from(address()),
        )  # fmt: skip
        assert reply.status_code == 429
        token = await form_token(client, "/lacak")
        page = await client.post("/lacak", data={"nomor": number, "pin": pin, "csrf_token": token})
        assert page.status_code == 429
        assert "coba lagi dalam" in page.text and "Status:" not in page.text
        assert "Retry-After" in page.headers

        async def unlocked() -> httpx.Response | None:
            response = await _track(client, number, pin, address())
            return response if response.status_code == 200 else None

        tracked = await eventually(unlocked, timeout=LOCK_SECONDS + 20)
    assert tracked.json()["tracking_number"] == number
    assert tracked.json()["status"] == "Pengaduan diterima"


async def test_wrong_pins_from_one_address_lock_it_for_every_number_and_unknown_numbers_count(
    alur: Alur,
) -> None:
    guesser, other = address(), address()
    async with alur.http() as client:
        receipt = await _complaint(client)
        number, pin = receipt["tracking_number"], receipt["pin"]
        unknown = f"ADU-2026-9{uuid.uuid4().int % 100_000:05d}"
        as_unknown = await _track(client, unknown, "123456", address())
        as_wrong = await _track(client, number, wrong(pin), address())
        # An unknown number is answered exactly as a wrong PIN: no oracle for numbers.
        assert as_unknown.status_code == as_wrong.status_code == 404
        assert as_unknown.json() == as_wrong.json()
        assert as_wrong.json() == {
            "error": "not_found", "message": "nomor pengaduan atau PIN tidak cocok"
        }  # fmt: skip

        # One wrong guess on each of many numbers (none of them reaches its own limit).
        statuses = []
        for n in range(ADDRESS_FAILURES):
            guessed = f"ADU-2026-8{(uuid.uuid4().int + n) % 100_000:05d}"
            statuses.append((await _track(client, guessed, "000000", guesser)).status_code)
        assert statuses == [404] * (ADDRESS_FAILURES - 1) + [429]
        refused = await _track(client, number, pin, guesser)
        assert refused.status_code == 429, refused.text
        allowed = await _track(client, number, pin, other)
        assert allowed.status_code == 200, allowed.text


async def test_parallel_guesses_are_checked_one_at_a_time_and_no_more_than_the_limit(
    alur: Alur,
) -> None:
    async with alur.http() as client:
        receipt = await _complaint(client)
        number, pin = receipt["tracking_number"], receipt["pin"]
        responses = await asyncio.gather(
            *(_track(client, number, wrong(pin, n), address()) for n in range(30))
        )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {404, 429}
    # Every guess that was checked and found wrong says 404; the limit allows four of them.
    assert statuses.count(404) <= PIN_FAILURES - 1, statuses
    # A guess that comes while another one on the number is being checked is not checked.
    busy = [r for r in responses if "sedang diperiksa" in r.json()["message"]]
    assert busy, [r.json() for r in responses]
    assert all(r.headers["Retry-After"] == "1" for r in busy)


async def test_many_checks_at_once_all_get_their_answer(alur: Alur) -> None:
    """Checks of different numbers from different addresses do not wait for each other (nor
    for the web process's connections, of which there are fewer than these requests)."""
    first = uuid.uuid4().int % 100_000
    numbers = [f"ADU-2026-7{(first + n) % 100_000:05d}" for n in range(40)]
    async with alur.http() as client:
        responses = await asyncio.gather(*(_track(client, n, "000000", address()) for n in numbers))
    assert [r.status_code for r in responses] == [404] * len(numbers)


async def test_the_pin_goes_by_post_only_and_the_tracking_page_shows_the_case_to_its_reporter(
    alur: Alur,
) -> None:
    async with alur.http() as client:
        receipt = await _complaint(client)
        number, pin = receipt["tracking_number"], receipt["pin"]
        in_url = await client.get(f"/api/track/{number}", params={"pin": pin})
        assert in_url.status_code == 405
        no_pin = await client.post(f"/api/track/{number}", json={"message": "x"})
        assert (no_pin.status_code, no_pin.json()["field"]) == (422, "pin")

        empty = await client.get("/lacak", params={"nomor": number, "pin": pin})
        assert empty.status_code == 200
        assert 'method="post"' in empty.text and "Status:" not in empty.text
        assert f'value="{number}"' in empty.text and pin not in empty.text

        where = address()
        shown = await client.post(
            "/lacak",
            data={"nomor": number, "pin": pin, "csrf_token": await form_token(client, "/lacak")},
            headers=sent_from(where),
        )
        assert shown.status_code == 200
        assert "Status: Pengaduan diterima" in shown.text
        refused = await client.post(
            "/lacak",
            data={
                "nomor": number,
                "pin": wrong(pin),
                "csrf_token": await form_token(client, "/lacak"),
            },
            headers=sent_from(where),
        )
        assert refused.status_code == 404
        assert "Nomor pengaduan atau PIN tidak cocok" in refused.text
        assert "Status:" not in refused.text


async def test_a_reply_checks_the_pin_before_it_says_anything_about_the_body(
    alur: Alur, petugas: Officer
) -> None:
    bodies = [
        {"message": "Terima kasih"},  # valid
        {"message": "  "},  # empty message
        {"message": 5, "lampiran": "x"},  # wrong type, unknown field
        {},  # no message
    ]
    async with alur.http() as client:
        receipt = await _complaint(client)
        number, pin = receipt["tracking_number"], receipt["pin"]
        before = await _events(alur)
        answers = []
        for n, body in enumerate(bodies):
            response = await client.post(
                f"/api/track/{number}/reply", json={"pin": wrong(pin, n), **body},
                headers=sent_from(address()),
            )  # fmt: skip
            answers.append((response.status_code, response.json()))
        # The same 404 for every body: a wrong PIN learns nothing about what it sent.
        assert answers == [(404, answers[0][1])] * len(bodies)
        assert answers[0][1]["error"] == "not_found"
        assert await _events(alur) == before

        right = await client.post(
            f"/api/track/{number}/reply", json={"pin": pin, "message": "  "},
            headers=sent_from(address()),
        )  # fmt: skip
        assert (right.status_code, right.json()["field"]) == (422, "message")
        replied = await client.post(
            f"/api/track/{number}/reply", json={"pin": pin, "message": "Terima kasih"},
            headers={**sent_from(address()), "X-Request-Id": "balasan-1"},
        )  # fmt: skip
        assert replied.status_code == 201, replied.text
        case = await client.get(f"/api/cases/{receipt['case_id']}", headers=petugas.headers)
    assert [e["type"] for e in case.json()["history"]][-1] == "ReporterReplied"


async def test_complaints_are_limited_per_address_and_a_refused_one_records_nothing(
    alur: Alur,
) -> None:
    sender = sent_from(address())
    async with alur.http() as client:
        # A refused (invalid) complaint does not use up the quota.
        invalid = await client.post("/api/complaints", json={**COMPLAINT, "subject": ""},
                                    headers=sender)  # fmt: skip
        assert invalid.status_code == 422
        for _ in range(COMPLAINTS_PER_ADDRESS):
            sent = await client.post("/api/complaints", json=COMPLAINT, headers=sender)
            assert sent.status_code == 201, sent.text
        before = await _events(alur)
        refused = await client.post("/api/complaints", json=COMPLAINT, headers=sender)
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "too_many_requests"
        assert re.search(r"coba lagi dalam \d+ (detik|menit|jam)", refused.json()["message"])
        assert int(refused.headers["Retry-After"]) >= 1
        form = {
            "reporter_name": "Rahmat",
            "subject": "Petugas tidak ramah",
            "description": "Petugas loket pendaftaran membentak pasien lansia.",
        }
        form["csrf_token"] = await form_token(client, "/lapor")
        page = await client.post("/lapor", data=form, headers=sender)
        assert page.status_code == 429
        assert "Terlalu banyak pengaduan dari alamat ini" in page.text
        assert await _events(alur) == before
        elsewhere = await client.post("/lapor", data=form, headers=sent_from(address()))
        assert elsewhere.status_code == 201


async def test_receipts_to_one_address_are_limited_and_the_rest_recorded_as_skipped(
    alur: Alur, petugas: Officer
) -> None:
    email = f"korban-{uuid.uuid4().hex[:8]}@example.id"
    reporter = {"name": "Nama Orang Lain", "email": email}
    async with alur.http() as client:
        receipts = [
            await _complaint(client, reporter=reporter) for _ in range(RECEIPTS_PER_RECIPIENT + 1)
        ]

        async def receipt_of(case_id: str) -> dict[str, Any] | None:
            response = await client.get(
                f"/api/cases/{case_id}/notifications", headers=petugas.headers
            )
            assert response.status_code == 200, response.text
            found = [
                n for n in response.json()
                if n["rule"] == "receipt_to_reporter" and n["channel"] == "email"
            ]  # fmt: skip
            done = found and found[0]["status"] in ("sent", "skipped")
            return found[0] if done else None

        outcomes = [await eventually(lambda r=r: receipt_of(r["case_id"])) for r in receipts]
    # Which one is skipped depends on the order the partitions are read in; how many does not.
    statuses = sorted(o["status"] for o in outcomes)
    assert statuses == ["sent"] * RECEIPTS_PER_RECIPIENT + ["skipped"]
    (skipped,) = [o for o in outcomes if o["status"] == "skipped"]
    assert "receipt limit" in skipped["last_error"]
