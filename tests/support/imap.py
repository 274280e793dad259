"""A private IMAP server for the mail intake's tests: Debian's Dovecot (`infra/dovecot.sh
install`), run in the foreground (as the current user; as root, with Debian's dovecot users)
with its own configuration, users and maildirs under a temporary directory, on free loopback
ports — IMAP with STARTTLS offered
(`port`) and IMAP over TLS (`tls_port`), with a self-signed certificate for 127.0.0.1 (`ca_file`).
Plain authentication is allowed (loopback only). `restart()` stops and starts it on the same
ports and the same maildirs.

Mails are put in with imapclient's APPEND, and the folders read back the same way.
"""

from __future__ import annotations

import contextlib
import datetime
import grp
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
USER = "pengaduan"
PASSWORD = "rahasia-uji"
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    tls_port: int
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def ca_file(self) -> Path:
        return self.root / "cert.pem"

    def settings(self) -> dict[str, str]:
        """The mail intake's settings for this server's mailbox (TLS, trusting its certificate)."""
        return {
            "ALUR_IMAP_HOST": "127.0.0.1",
            "ALUR_IMAP_PORT": str(self.tls_port),
            "ALUR_IMAP_SECURITY": "tls",
            "ALUR_IMAP_CA_FILE": str(self.ca_file),
            "ALUR_IMAP_USERNAME": USER,
            "ALUR_IMAP_PASSWORD": PASSWORD,
        }

    def start(self) -> None:
        log = open(self.root / "dovecot.out", "ab")  # noqa: SIM115  kept open by the process
        self.process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with every child
        )
        log.close()
        deadline = time.monotonic() + 15
        while not _answers(self.port) or not _answers(self.tls_port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dovecot did not start; see {self.root}/dovecot.log")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server and every process it started: the connections it served drop (the
        master alone would leave its imap processes serving them)."""
        if self.process is None:
            return
        group = self.process.pid  # the group of its session (start_new_session)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        deadline = time.monotonic() + 10
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self) -> IMAPClient:
        """A plain connection on loopback, logged in to the mailbox."""
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            client.append(folder, raw)

    def mails(self, folder: str) -> list[bytes]:
        """The raw mails in the folder (none when it does not exist)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            bodies = [fetched[uid].get(b"BODY[]") for uid in sorted(fetched)]
            return [bytes(body) for body in bodies if body is not None]  # None: moved meanwhile


def start(root: Path) -> Dovecot:
    """A running Dovecot with one mailbox (USER) under `root`."""
    if not DOVECOT.exists():
        raise RuntimeError("Dovecot is missing: run `infra/dovecot.sh install` (make install)")
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    user, login = _users(root)
    server = Dovecot(root, _free_port(), _free_port())
    _certificate(root)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            user=user.pw_name,
            group=grp.getgrgid(user.pw_gid).gr_name,
            login=login.pw_name,
            uid=user.pw_uid,
            gid=user.pw_gid,
            port=server.port,
            tls_port=server.tls_port,
        )
    )
    server.start()
    return server


def remove(server: Dovecot) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def _users(root: Path) -> tuple[pwd.struct_passwd, pwd.struct_passwd]:
    """Who runs Dovecot's processes and owns the mail, and who runs its logins: the current
    user; as root (CI), Debian's `dovecot` and `dovenull` (its logins refuse to run as root)."""
    if os.getuid() != 0:
        user = pwd.getpwuid(os.getuid())
        return user, user
    user = pwd.getpwnam("dovecot")
    root.chmod(0o755)
    for folder in ("mail", "home"):
        os.chown(root / folder, user.pw_uid, user.pw_gid)
    return user, pwd.getpwnam("dovenull")


def _certificate(root: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (root / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
