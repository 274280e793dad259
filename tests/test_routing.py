"""The routing worker gives the steps of an SOP's disposition chain to an officer by the office's
rules (category → unit, round robin or least loaded, acting officials), and records why.

These tests run in a sandbox of their own, with an office file whose units the officers below
belong to (the other tests' officers have no unit, so nothing of theirs is routed).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import Topics
from tests.support.casework import Officer, add_officer, case, work
from tests.support.mailbox import Mailbox
from tests.support.routing_office import routing_office
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint, to_the_team
from tests.support.waiting import eventually

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()
OFFICE = routing_office(TODAY - timedelta(days=1), TODAY + timedelta(days=7))
pytestmark = pytest.mark.sandbox("routing", office=OFFICE, mail=True)


async def _tim(alur: Alur, name: str, unit: str | None, email: str | None = None) -> Officer:
    return await add_officer(alur, name, "tim_pengelola_pengaduan", unit=unit, email=email)


async def _at_the_team(alur: Alur, petugas: Officer, category: str) -> tuple[str, str]:
    """A complaint of `category`, registered, reviewed and forwarded: it waits at step 5.

    Returns the case id and the id of the event that made it wait there.
    """
    async with alur.http() as client:
        case_id = (await file_complaint(client, category=category))["case_id"]
        done = await work(client, case_id, to_the_team(petugas))
    return case_id, done["events"][0]["event_id"]


async def _routed(alur: Alur, case_id: str, officer: Officer) -> dict[str, Any]:
    """The case's CaseRouted event, once the routing worker has recorded it."""

    async def found() -> dict[str, Any] | None:
        async with alur.http() as client:
            history = (await case(client, case_id, officer))["history"]
        return next((e for e in history if e["type"] == "CaseRouted"), None)

    return await eventually(found)


async def _applied(alur: Alur, case_id: str, event_id: str, officer: Officer) -> None:
    """Wait until the routing worker has applied the event: its watermark for the case (the
    last case version it applied) has reached the event."""
    async with alur.http() as client:
        history = (await case(client, case_id, officer))["history"]
    version = 1 + [e["event_id"] for e in history].index(event_id)

    async def done() -> bool:
        return await _watermark(alur, case_id) >= version

    await eventually(done)


async def _watermark(alur: Alur, case_id: str) -> int:
    rows = await alur.sql(
        "SELECT case_version FROM consumer_watermarks WHERE consumer = 'routing' AND case_id = $1",
        uuid.UUID(case_id),
    )
    return rows[0]["case_version"] if rows else 0


async def _post_draft(alur: Alur, case_id: str, officer: Officer) -> tuple[int, dict[str, Any]]:
    async with alur.http() as client:
        view = await case(client, case_id, officer)
        (allowed,) = [a for a in view["allowed_actions"] if a["action"] == "submit_draft"]
        response = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": "submit_draft", "documents": allowed["documents_required"]},
            headers=officer.headers,
        )
    return response.status_code, response.json()


async def test_a_complaint_is_routed_to_its_category_unit_and_only_that_officer_may_do_the_step(
    alur: Alur, petugas: Officer, mailbox: Mailbox
) -> None:
    ani = await _tim(alur, "Ani Imunisasi", "Seksi Imunisasi", email="ani@dinkes.test")
    other = await _tim(alur, "Bayu Kesling Satu", "Seksi Kesling")
    case_id, _ = await _at_the_team(alur, petugas, "imunisasi")

    routed = await _routed(alur, case_id, ani)
    assert routed["actor"] == {"id": "routing", "role": "sistem"}
    assert (routed["step"], routed["next_step"]) == (None, "5")
    payload = routed["payload"]
    assert payload["step"] == "5"
    assert payload["unit"] == "Seksi Imunisasi"
    assert payload["assignee"] == "ani-imunisasi"
    assert payload["rule"] == "category:imunisasi"
    assert "kategori" in payload["reason"] and "Seksi Imunisasi" in payload["reason"]
    assert "Ani Imunisasi" in payload["reason"]
    assert payload["stands_in_for"] is None
    async with alur.http() as client:
        view = await case(client, case_id, ani)
    assert view["current_steps"][0]["assignee"] == "ani-imunisasi"

    async with alur.http() as client:  # another unit's case is not theirs to see, nor to act on
        seen = await client.get(f"/api/cases/{case_id}", headers=other.headers)
        acted = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": "submit_draft", "documents": []},
            headers=other.headers,
        )
    assert (seen.status_code, acted.status_code) == (404, 404), acted.text
    status, _ = await _post_draft(alur, case_id, ani)
    assert status == 200

    async def told() -> list:
        return [m for m in mailbox.to("ani@dinkes.test") if "Penugasan" in m.message["Subject"]]

    (message,) = await eventually(told)
    assert "Ani Imunisasi" in message.part("plain")


async def test_round_robin_gives_the_unit_officers_turns(alur: Alur, petugas: Officer) -> None:
    first = await _tim(alur, "Kesling Dua", "Seksi Kesling")
    assignees = []
    for _ in range(3):
        case_id, _event = await _at_the_team(alur, petugas, "Kesehatan Lingkungan")
        routed = await _routed(alur, case_id, first)
        assignees.append(routed["payload"]["assignee"])
        assert "giliran" in routed["payload"]["reason"]
    # Two officers in the unit (Bayu from the test above, and Kesling Dua): they alternate.
    assert set(assignees) == {"bayu-kesling-satu", "kesling-dua"}
    assert assignees[0] != assignees[1]
    assert assignees[2] == assignees[0]


async def test_least_loaded_gives_the_step_to_the_officer_with_fewer_open_steps(
    alur: Alur, petugas: Officer
) -> None:
    gita = await _tim(alur, "Gita Gizi", "Seksi Gizi")
    hana = await _tim(alur, "Hana Gizi", "Seksi Gizi")
    officers = {"gita-gizi": gita, "hana-gizi": hana}
    one, _ = await _at_the_team(alur, petugas, "gizi")
    first = (await _routed(alur, one, gita))["payload"]["assignee"]
    two, _ = await _at_the_team(alur, petugas, "gizi")
    second = (await _routed(alur, two, gita))["payload"]["assignee"]
    assert second != first  # the first one already holds an open step
    # The second officer finishes their step: now they hold none, the first still one.
    status, done = await _post_draft(alur, two, officers[second])
    assert status == 200, done
    await _applied(alur, two, done["events"][0]["event_id"], petugas)
    three, _ = await _at_the_team(alur, petugas, "gizi")
    routed = await _routed(alur, three, gita)
    assert routed["payload"]["assignee"] == second  # round robin would have given it to `first`
    assert "paling sedikit langkah terbuka (0)" in routed["payload"]["reason"]


async def test_an_absent_officials_step_goes_to_their_acting_official(
    alur: Alur, petugas: Officer
) -> None:
    hadi = await _tim(alur, "dr. Hadi Rujukan", "Seksi Rujukan")
    rina = await _tim(alur, "Rina Plt", None)
    case_id, _ = await _at_the_team(alur, petugas, "rujukan")
    payload = (await _routed(alur, case_id, rina))["payload"]
    assert payload["assignee"] == "rina-plt"
    assert payload["stands_in_for"] == "dr-hadi-rujukan"
    assert payload["unit"] == "Seksi Rujukan"
    assert "Plt menggantikan dr. Hadi Rujukan (cuti tahunan)" in payload["reason"]
    status, refused = await _post_draft(alur, case_id, hadi)
    assert status == 403, refused
    status, _ = await _post_draft(alur, case_id, rina)
    assert status == 200


async def test_configured_assignees_get_the_step_whatever_their_unit(
    alur: Alur, petugas: Officer
) -> None:
    dewi = await _tim(alur, "Apt. Dewi Lestari", None)
    case_id, _ = await _at_the_team(alur, petugas, "farmasi")
    payload = (await _routed(alur, case_id, dewi))["payload"]
    assert (payload["assignee"], payload["unit"]) == ("apt-dewi-lestari", "Seksi Farmasi")
    assert "ditetapkan" in payload["reason"]


async def test_with_no_officer_in_the_unit_nothing_is_recorded(
    alur: Alur, petugas: Officer
) -> None:
    case_id, waited = await _at_the_team(alur, petugas, "kosong")
    await _applied(alur, case_id, waited, petugas)
    async with alur.http() as client:
        view = await case(client, case_id, petugas)
    assert "CaseRouted" not in [e["type"] for e in view["history"]]
    assert view["current_steps"][0]["assignee"] is None


async def test_a_redelivered_event_is_routed_once(alur: Alur, petugas: Officer) -> None:
    """The routing worker crashed after recording CaseRouted but before its watermark
    committed: Kafka delivers the event again, and the case still has one CaseRouted."""
    ika = await _tim(alur, "Ika Imunisasi", "Seksi Imunisasi")
    case_id, waited = await _at_the_team(alur, petugas, "imunisasi")
    routed = await _routed(alur, case_id, ika)
    await _applied(alur, case_id, routed["event_id"], petugas)
    await alur.sql(
        "DELETE FROM consumer_watermarks WHERE consumer = 'routing' AND case_id = $1",
        uuid.UUID(case_id),
    )
    await _redeliver(alur, case_id, waited)
    await _applied(alur, case_id, waited, petugas)
    async with alur.http() as client:
        history = (await case(client, case_id, ika))["history"]
    assert [e["type"] for e in history].count("CaseRouted") == 1


async def _redeliver(alur: Alur, case_id: str, event_id: str) -> None:
    """Publish the event's Kafka message again, as a redelivery would bring it."""
    topic = Topics(alur.namespace).cases("complaint")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found = None
    try:
        while found is None:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    if json.loads(record.value)["event_id"] == event_id:
                        found = record
    finally:
        await consumer.stop()
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, found.value, key=case_id.encode())
    finally:
        await producer.stop()
