"""Administration `/admin` over HTTP against the live system: officers added with a one-time
activation link, their roles, unit and superior changed, disabled and enabled, their password
reset and second factor enrolled; office closures; who may use it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pyotp

from officers import officer_id
from tests.support.accounts import CSRF, PASSWORD, address, form_token, log_in, token_works
from tests.support.casework import Officer, add_officer, unique_name
from tests.support.sandbox import Alur

LINK = re.compile(r'id="activation-link">https?://[^/]+(/aktivasi/[^<\s]+)<')
SECRET = re.compile(r'id="totp-secret">(\w+)<')


async def _token(client: httpx.AsyncClient, officer: Officer, path: str = "/admin") -> str:
    page = await client.get(path, headers=officer.headers)
    assert page.status_code == 200, page.text
    assert len(page.content) < 100_000
    found = CSRF.search(page.text)
    assert found
    return found.group(1)


async def _activate(alur: Alur, path: str, password: str) -> None:
    async with alur.http(headers={"X-Forwarded-For": address()}) as client:
        token = await form_token(client, path)
        form = {"password": password, "password_confirm": password, "csrf_token": token}
        assert (await client.post(path, data=form)).status_code == 200


async def _logs_in(alur: Alur, name: str, password: str, otp: str = "") -> int:
    async with alur.http(headers={"X-Forwarded-For": address()}) as client:
        return (await log_in(client, name, password, otp)).status_code


async def test_only_administrators_and_the_head_of_office_administer(alur: Alur) -> None:
    petugas = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    kadis = await add_officer(alur, unique_name("kadis"), "kepala_dinas")
    admin = await add_officer(alur, unique_name("admin"), "administrator")
    async with alur.http() as client:
        assert (await client.get("/admin")).status_code == 401
        assert (await client.get("/admin", headers=petugas.headers)).status_code == 403
        page = await client.get("/admin", headers=kadis.headers)
        assert page.status_code == 200 and 'href="/admin"' in page.text
        token = await _token(client, kadis)
        # The head of office adds officers, but gives no administrator role.
        refused = await client.post(
            "/admin/petugas",
            data={"name": unique_name("calon"), "roles": "administrator", "csrf_token": token},
            headers=kadis.headers,
        )
        assert refused.status_code == 422 and 'id="roles-error"' in refused.text
        by_admin = await client.post(
            "/admin/petugas",
            data={
                "name": unique_name("admin kedua"),
                "roles": "administrator",
                "csrf_token": await _token(client, admin),
            },
            headers=admin.headers,
        )
        assert by_admin.status_code == 201, by_admin.text
        forbidden = await client.post(
            f"/admin/petugas/{officer_id(kadis.name)}/nonaktif",
            data={"csrf_token": await _token(client, petugas, "/meja")},
            headers=petugas.headers,
        )
        assert forbidden.status_code == 403
    assert await token_works(alur, kadis.token)


async def test_an_officer_is_added_changed_disabled_reset_and_enrolled(alur: Alur) -> None:
    admin = await add_officer(alur, unique_name("admin"), "administrator")
    kepala = await add_officer(alur, unique_name("kepala"), "kepala_dinas")
    name = unique_name("petugas baru")
    async with alur.http(follow_redirects=False) as client:
        token = await _token(client, admin)
        missing = await client.post(
            "/admin/petugas", data={"name": name, "csrf_token": token}, headers=admin.headers
        )
        assert missing.status_code == 422 and 'id="roles-error"' in missing.text
        added = await client.post(
            "/admin/petugas",
            data={
                "name": name,
                "roles": ["petugas_pengaduan", "resepsionis"],
                "unit": "Sekretariat",
                "superior": officer_id(kepala.name),
                "email": "baru@contoh.id",
                "csrf_token": token,
            },
            headers=admin.headers,
        )
        assert added.status_code == 201, added.text
        assert len(added.content) < 100_000
        link = LINK.search(added.text)
        assert link, added.text
        assert added.headers["cache-control"] == "no-store"
        again = await client.post(
            "/admin/petugas",
            data={"name": name, "roles": "satpam", "csrf_token": token},
            headers=admin.headers,
        )
        assert again.status_code == 422 and 'id="name-error"' in again.text
    await _activate(alur, link.group(1), PASSWORD)
    assert await _logs_in(alur, name, PASSWORD) == 303
    who = officer_id(name)
    async with alur.http(follow_redirects=False) as client:
        page = await client.get(f"/admin/petugas/{who}", headers=admin.headers)
        assert page.status_code == 200 and "Sekretariat" in page.text
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        changed = await client.post(
            f"/admin/petugas/{who}",
            data={"roles": "satpam", "unit": "Bidang P2P", "superior": "", "csrf_token": token},
            headers=admin.headers,
        )
        assert changed.status_code == 303
        loop = await client.post(
            f"/admin/petugas/{officer_id(kepala.name)}",
            data={"roles": "kepala_dinas", "superior": who, "csrf_token": token},
            headers=admin.headers,
        )
        assert loop.status_code == 303  # the head now reports to the new officer …
        circular = await client.post(
            f"/admin/petugas/{who}",
            data={"roles": "satpam", "superior": officer_id(kepala.name), "csrf_token": token},
            headers=admin.headers,
        )
        assert circular.status_code == 422 and 'id="superior-error"' in circular.text
        shown = await client.get(f"/admin/petugas/{who}", headers=admin.headers)
        assert 'value="satpam" checked' in shown.text
        assert 'value="petugas_pengaduan" checked' not in shown.text
        assert 'value="Bidang P2P"' in shown.text

        assert (
            await client.post(f"/admin/petugas/{who}/nonaktif", data={"csrf_token": token},
                              headers=admin.headers)
        ).status_code == 303  # fmt: skip
        assert await _logs_in(alur, name, PASSWORD) == 401
        assert (
            await client.post(f"/admin/petugas/{who}/aktif", data={"csrf_token": token},
                              headers=admin.headers)
        ).status_code == 303  # fmt: skip
        assert await _logs_in(alur, name, PASSWORD) == 303
        myself = await client.post(
            f"/admin/petugas/{officer_id(admin.name)}/nonaktif",
            data={"csrf_token": token},
            headers=admin.headers,
        )
        assert myself.status_code == 409

        reset = await client.post(
            f"/admin/petugas/{who}/sandi", data={"csrf_token": token}, headers=admin.headers
        )
        assert reset.status_code == 200
        new_link = LINK.search(reset.text)
        assert new_link and new_link.group(1) != link.group(1)
        assert await _logs_in(alur, name, PASSWORD) == 401
        new_password = "kata-sandi-admin-baru-3"
        await _activate(alur, new_link.group(1), new_password)
        assert await _logs_in(alur, name, new_password) == 303

        enrolled = await client.post(
            f"/admin/petugas/{who}/totp", data={"csrf_token": token}, headers=admin.headers
        )
        secret = SECRET.search(enrolled.text)
        assert enrolled.status_code == 200 and secret
        assert await _logs_in(alur, name, new_password) == 401  # a code is asked now
        code = pyotp.TOTP(secret.group(1)).now()
        assert await _logs_in(alur, name, new_password, code) == 303
        removed = await client.post(
            f"/admin/petugas/{who}/totp/hapus", data={"csrf_token": token}, headers=admin.headers
        )
        assert removed.status_code == 303
        assert await _logs_in(alur, name, new_password) == 303
        unknown = await client.get("/admin/petugas/tidak-ada", headers=admin.headers)
        assert unknown.status_code == 404


async def test_a_closure_is_added_to_the_office_calendar(alur: Alur) -> None:
    admin = await add_officer(alur, unique_name("admin"), "administrator")
    first = date(2031, 5, 5) + timedelta(days=len(admin.name))
    reason = f"Pemadaman listrik {admin.name[-6:]}"
    async with alur.http(follow_redirects=False) as client:
        token = await _token(client, admin)
        bad = await client.post(
            "/admin/libur",
            data={"first_day": "besok", "reason": reason, "csrf_token": token},
            headers=admin.headers,
        )
        assert bad.status_code == 422 and 'id="first_day-error"' in bad.text
        backwards = await client.post(
            "/admin/libur",
            data={
                "first_day": first.isoformat(),
                "last_day": (first - timedelta(days=1)).isoformat(),
                "reason": reason,
                "csrf_token": token,
            },
            headers=admin.headers,
        )
        assert backwards.status_code == 422 and 'id="last_day-error"' in backwards.text
        added = await client.post(
            "/admin/libur",
            data={"first_day": first.isoformat(), "reason": reason, "csrf_token": token},
            headers=admin.headers,
        )
        assert added.status_code == 303
        page = await client.get("/admin", headers=admin.headers)
    assert reason in page.text
    rows = await alur.sql(
        "SELECT first_day, last_day, added_by FROM office_closures WHERE reason = $1", reason
    )
    assert [tuple(r) for r in rows] == [(first, first, officer_id(admin.name))]
