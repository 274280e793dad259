"""Officer accounts through the CLI and the login pages: passwords, sessions, CSRF, throttling,
TOTP, disabled officers, expiring and revocable API tokens, activation links (issue 12)."""

from __future__ import annotations

import pyotp

from tests.support.accounts import (
    CSRF,
    LINK,
    PASSWORD,
    SECRET,
    add_account,
    address,
    browser,
    cli,
    error_of,
    form_token,
    log_in,
    signed_in,
    token_works,
)
from tests.support.casework import unique_name
from tests.support.sandbox import Alur
from tests.support.waiting import eventually

WRONG = "Nama pengguna atau kata sandi salah."


async def test_users_add_reads_the_password_from_stdin_and_still_prints_a_token_last(
    alur: Alur,
) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    assert account.token.startswith("alur_")
    assert "password: set" in account.output and "aktivasi" not in account.output
    assert await token_works(alur, account.token)
    async with browser(alur) as client:
        assert not await signed_in(client)
        done = await log_in(client, account.name, PASSWORD)
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/tugas"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith("alur_sesi=") and "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP here
        assert await signed_in(client)


async def test_a_short_password_is_refused_and_no_officer_is_created(alur: Alur) -> None:
    name = unique_name("petugas_pengaduan")
    args = ["users", "add", name, "--role", "petugas_pengaduan", "--password-stdin"]
    done = await cli(alur, *args, stdin="pendek\n")
    assert done.returncode == 2
    assert "at least 12" in done.stderr and done.stdout == ""
    assert (await cli(alur, "users", "disable", name)).returncode == 1  # no such officer


async def test_logout_ends_the_session_and_a_new_login_gets_a_new_one(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        first = (await log_in(client, account.name, PASSWORD)).cookies["alur_sesi"]
        second = (await log_in(client, account.name, PASSWORD)).cookies["alur_sesi"]
        assert first != second
        async with browser(alur, cookies={"alur_sesi": first}) as stale:
            assert not await signed_in(stale)  # the login replaced the session it came with
        assert await signed_in(client)
        out = await client.post("/keluar", data={"csrf_token": await form_token(client)})
        assert out.status_code == 303 and out.headers["location"] == "/masuk"
        assert 'alur_sesi=""' in out.headers["set-cookie"]
        async with browser(alur, cookies={"alur_sesi": second}) as replayed:
            assert not await signed_in(replayed)  # the server ended it, not only the browser


async def test_a_wrong_password_and_an_unknown_username_read_the_same(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        wrong = await log_in(client, account.name, "bukan-kata-sandinya")
        unknown = await log_in(client, unique_name("tidak ada"), PASSWORD)
        for page in (wrong, unknown):
            assert page.status_code == 401
            assert error_of(page) == WRONG
            assert "alur_sesi" not in page.headers.get("set-cookie", "")
        assert not await signed_in(client)


async def test_after_five_wrong_passwords_the_account_is_locked_even_for_the_right_one(
    alur: Alur,
) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        answers = [(await log_in(client, account.name, f"salah-{n}-xxxxxxx")) for n in range(5)]
        assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
        right = await log_in(client, account.name, PASSWORD)
        assert right.status_code == 429
        assert "Coba lagi dalam 1 menit" in error_of(right)
    async with browser(alur) as elsewhere:  # the account, not only the address, is locked
        assert (await log_in(elsewhere, account.name, PASSWORD)).status_code == 429


async def test_many_wrong_logins_from_one_address_lock_that_address(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    at = address()
    async with browser(alur, at) as client:
        token = await form_token(client)
        for n in range(20):  # unknown usernames: no account reaches its own limit
            answer = await log_in(client, unique_name(f"tebak {n}"), PASSWORD, csrf=token)
            assert answer.status_code == (429 if n == 19 else 401), (n, answer.text)
        locked = await log_in(client, account.name, PASSWORD, csrf=token)
        assert locked.status_code == 429, locked.text
    async with browser(alur) as other_address:
        assert (await log_in(other_address, account.name, PASSWORD)).status_code == 303


async def test_forms_without_their_csrf_token_are_refused(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client, browser(alur) as other:
        form = {"username": account.name, "password": PASSWORD}
        missing = await client.post("/masuk", data=form)
        assert missing.status_code == 403
        assert "token CSRF" in error_of(missing)
        foreign = await client.post("/masuk", data={**form, "csrf_token": await form_token(other)})
        assert foreign.status_code == 403  # another browser's token is not this one's
        assert not await signed_in(client)

        assert (await log_in(client, account.name, PASSWORD)).status_code == 303
        assert (await client.post("/keluar")).status_code == 403
        assert await signed_in(client)  # a forged logout changes nothing

        # A JSON call signed in by the session cookie needs the token in X-CSRF-Token.
        body = {"sop": "tidak-ada", "data": {}}
        refused = await client.post("/api/cases", json=body)
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_refused"
        token = await form_token(client)
        taken = await client.post("/api/cases", json=body, headers={"X-CSRF-Token": token})
        assert taken.status_code == 422, taken.text  # past authentication: the SOP is unknown
    async with alur.http() as script:  # a Bearer token needs no CSRF token
        scripted = await script.post("/api/cases", json=body, headers=account.headers)
        assert scripted.status_code == 422, scripted.text


async def test_an_administrator_needs_totp_and_each_code_works_once(alur: Alur) -> None:
    admin = await add_account(alur, "administrator")
    async with browser(alur) as client:
        unenrolled = await log_in(client, admin.name, PASSWORD)
        assert unenrolled.status_code == 403
        assert "Minta administrator" in error_of(unenrolled)
        assert not await signed_in(client)
        assert await token_works(alur, admin.token)  # scripts keep working meanwhile

        enrolled = await cli(alur, "users", "totp", admin.name)
        assert enrolled.returncode == 0, enrolled.stderr
        assert enrolled.stdout.strip().splitlines()[-1].startswith("otpauth://totp/Alur:")
        totp = pyotp.TOTP(SECRET.search(enrolled.stdout).group(1))

        no_code = await log_in(client, admin.name, PASSWORD)
        assert no_code.status_code == 401 and "kode OTP" in error_of(no_code)
        wrong_code = await log_in(client, admin.name, PASSWORD, otp=_other_than(totp.now()))
        assert wrong_code.status_code == 401 and "salah" in error_of(wrong_code)
        code = totp.now()
        assert (await log_in(client, admin.name, PASSWORD, otp=code)).status_code == 303
        assert await signed_in(client)
    async with browser(alur) as again:
        replayed = await log_in(again, admin.name, PASSWORD, otp=code)
        assert replayed.status_code == 401 and "sudah dipakai" in error_of(replayed)
        assert not await signed_in(again)


async def test_any_officer_may_enrol_totp_and_is_then_asked_for_it(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    enrolled = await cli(alur, "users", "totp", account.name)
    totp = pyotp.TOTP(SECRET.search(enrolled.stdout).group(1))
    async with browser(alur) as client:
        assert (await log_in(client, account.name, PASSWORD)).status_code == 401
        assert (await log_in(client, account.name, PASSWORD, totp.now())).status_code == 303
    assert (await cli(alur, "users", "totp", account.name, "--remove")).returncode == 0
    async with browser(alur) as client:
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303


async def test_a_disabled_officers_session_and_token_stop_working_at_once(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303
        assert await signed_in(client) and await token_works(alur, account.token)

        assert (await cli(alur, "users", "disable", account.name)).returncode == 0
        assert not await signed_in(client)
        assert not await token_works(alur, account.token)
        refused = await log_in(client, account.name, PASSWORD)
        assert refused.status_code == 401 and error_of(refused) == WRONG

        assert (await cli(alur, "users", "enable", account.name)).returncode == 0
        assert await token_works(alur, account.token)
        assert not await signed_in(client)  # disabling ended the session for good
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303


async def test_tokens_expire_and_can_be_revoked(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    short = await cli(alur, "tokens", "create", account.name, "--expires-days", "0.00005")
    assert short.returncode == 0, short.stderr
    short_token = short.stdout.strip().splitlines()[-1]
    assert await token_works(alur, short_token)
    # About four seconds later it has expired.
    await eventually(lambda: _refused(alur, short_token), timeout=30)

    labelled = await cli(alur, "tokens", "create", account.name, "--label", "skrip laporan")
    by_id = labelled.stdout.split()[2]
    assert by_id.startswith("tok_"), labelled.stdout
    labelled_token = labelled.stdout.strip().splitlines()[-1]
    assert await token_works(alur, labelled_token)
    revoked = await cli(alur, "tokens", "revoke", by_id)
    assert revoked.returncode == 0 and "skrip laporan" in revoked.stdout
    assert not await token_works(alur, labelled_token)

    third = (await cli(alur, "tokens", "create", account.name)).stdout.strip().splitlines()[-1]
    assert (await cli(alur, "tokens", "revoke", third[:12])).returncode == 0  # by its prefix
    assert not await token_works(alur, third)
    assert await token_works(alur, account.token)  # the officer's other token is untouched
    unknown = await cli(alur, "tokens", "revoke", "tok_000000000000")
    assert unknown.returncode == 1 and "no token" in unknown.stderr


async def test_an_activation_link_sets_the_password_once(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan", password=None)
    assert await token_works(alur, account.token)  # the last line is still the token
    path = account.activation_path
    async with browser(alur) as client:
        assert (await log_in(client, account.name, PASSWORD)).status_code == 401  # none yet
        token = await form_token(client, path)
        form = {"password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": token}
        assert (await client.post(path, data={**form, "csrf_token": ""})).status_code == 403
        mismatch = await client.post(path, data={**form, "password_confirm": "lain" + PASSWORD})
        assert mismatch.status_code == 422 and "tidak sama" in error_of(mismatch)
        short = await client.post(path, data={**form, "password": "x", "password_confirm": "x"})
        assert short.status_code == 422 and "minimal 12" in error_of(short)
        assert (await client.post(path, data=form)).status_code == 200
        assert (await client.post(path, data=form)).status_code == 404  # once only
        assert (await client.get(path)).status_code == 404
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303

        reset = await cli(alur, "users", "reset-password", account.name)
        assert reset.returncode == 0, reset.stderr
        assert not await signed_in(client)  # the reset ended the session
        assert (await log_in(client, account.name, PASSWORD)).status_code == 401
        new_path = LINK.search(reset.stdout).group(1)
        assert (await client.get(path)).status_code == 404
        token = await form_token(client, new_path)
        new = "kata-sandi-baru-sekali-2"
        sent = {"password": new, "password_confirm": new, "csrf_token": token}
        assert (await client.post(new_path, data=sent)).status_code == 200
        assert (await log_in(client, account.name, new)).status_code == 303


async def test_after_login_only_a_path_on_this_site_is_followed(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    for asked, followed in (
        ("/kasus/123?tab=riwayat", "/kasus/123?tab=riwayat"),
        ("https://penipu.example/masuk", "/tugas"),
        ("//penipu.example", "/tugas"),
        ("/\\penipu.example", "/tugas"),
        ("", "/tugas"),
    ):
        async with browser(alur) as client:
            done = await log_in(client, account.name, PASSWORD, next=asked)
            assert done.status_code == 303
            assert done.headers["location"] == followed, asked


async def test_cookies_are_secure_over_https(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur, **{"X-Forwarded-Proto": "https"}) as client:
        page = await client.get("/masuk")
        form_cookie = page.headers["set-cookie"]
        assert form_cookie.startswith("alur_csrf=") and "; Secure" in form_cookie
        # The client talks plain HTTP to the app and keeps Secure cookies to itself: send it.
        client.headers["Cookie"] = form_cookie.split(";")[0]
        done = await log_in(client, account.name, PASSWORD, csrf=CSRF.search(page.text)[1])
        assert done.status_code == 303, done.text
        assert "; Secure" in done.headers["set-cookie"]


def _other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def _refused(alur: Alur, token: str) -> bool:
    return not await token_works(alur, token)
