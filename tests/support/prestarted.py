"""`alur` processes for the tests, forked from one interpreter that imported Alur once.

Starting `alur` cost about a second of CPU in imports (the web 3 s), paid again by every
`alur users add` of a test and by every worker of every sandbox: a fifth of the suite's CPU on
a 2-core machine. A *prestarted* interpreter (`python -m tests.support.prestarted SOCKET`)
imports the CLI, the web and every worker once, then forks a child per request; the child sets
the environment and the working directory it is given and runs `alur.cli.main(argv)`, so each
command and worker is still its own process running the real entry point.

- `run(argv, env, stdin)`: a command run to its end, as `subprocess.run(capture_output=True,
  text=True)` answers it (`CompletedProcess`).
- `spawn(argv, env, log)`: a long-running process (a worker) logging to `log`; the answer
  behaves as the `subprocess.Popen` the tests use (`pid`, `poll`, `wait`, `send_signal`,
  `kill`, `returncode`). Signals go through a pidfd; the exit status comes from the
  prestarted interpreter, the only one that can reap the child.

The prestarted interpreter runs single-threaded (forking is only safe so) and ends with the
test session (its socket closes with the session's process).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
# What the prestarted interpreter imports before it forks anything.
PRELOADED = (
    "alur.cli",
    "alur.web",
    "alur.workers.relay",
    "alur.workers.projections",
    "alur.workers.notifier",
    "alur.workers.routing",
    "alur.workers.sla",
    "alur.workers.retention",
    "alur.workers.mail",
)

# -- the client side (the test session) -------------------------------------------------------


class Prestarted:
    """The test session's prestarted interpreter, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._socket = Path(tempfile.mkdtemp(prefix="alur-prestarted-")) / "socket"

    def run(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        stdin: str | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        answer = self._ask(
            {"run": list(argv), "env": dict(env), "stdin": stdin or ""}, timeout=timeout
        )
        return subprocess.CompletedProcess(
            ["alur", *argv], answer["returncode"], answer["stdout"], answer["stderr"]
        )

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], log: Path) -> Forked:
        answer = self._ask({"spawn": list(argv), "env": dict(env), "log": str(log)})
        return Forked(self, answer["pid"], ["alur", *argv])

    def exit_status(self, pid: int) -> int | None:
        return self._ask({"status": pid})["returncode"]

    def _ask(self, request: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        self._started()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self._socket))
            conn.sendall(json.dumps(request).encode() + b"\n")
            answer = _read_line(conn)
        if not answer:
            raise RuntimeError(f"the prestarted interpreter did not answer {request}")
        return json.loads(answer)

    def _started(self) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._process = subprocess.Popen(
                [str(PYTHON), "-m", "tests.support.prestarted", str(self._socket)],
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 60
            while not self._socket.exists():
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the prestarted interpreter did not start")
                time.sleep(0.05)


class Forked:
    """A process the prestarted interpreter forked, handled as a `subprocess.Popen`."""

    def __init__(self, owner: Prestarted, pid: int, args: list[str]) -> None:
        self._owner = owner
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and _readable(self._pidfd, 0):
            self._reaped()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not _readable(self._pidfd, timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self._reaped()
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _reaped(self) -> None:
        # The child has ended; its parent reaps it within a poll interval.
        while (status := self._owner.exit_status(self.pid)) is None:
            time.sleep(0.01)
        self.returncode = status
        os.close(self._pidfd)


def _readable(fd: int, timeout: float | None) -> bool:
    ready, _, _ = select.select([fd], [], [], timeout)
    return bool(ready)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


PRESTARTED = Prestarted()

# -- the prestarted interpreter -----------------------------------------------------------------


def serve(path: str) -> None:
    import importlib

    for module in PRELOADED:
        importlib.import_module(module)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".new")
    listener.listen(64)
    os.rename(path + ".new", path)  # the client waits for the name: bound and listening
    exited: dict[int, int] = {}
    session = os.getppid()
    while True:
        ready, _, _ = select.select([listener], [], [], 0.05)
        _reap(exited)
        if os.getppid() != session:  # the test session is gone
            return
        if not ready:
            continue
        conn, _ = listener.accept()
        with conn:
            request = json.loads(_read_line(conn))
            if "status" in request:
                _reap(exited)
                answer = {"returncode": exited.pop(request["status"], None)}
                conn.sendall(json.dumps(answer).encode() + b"\n")
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                _child(conn, request)  # never returns
            if "spawn" in request:
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _reap(exited: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        exited[pid] = os.waitstatus_to_exitcode(status)


def _child(conn: socket.socket, request: dict[str, Any]) -> None:
    """In the forked child: become the process asked for, end with its exit status."""
    code = 1
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(REPO_ROOT)
        if "spawn" in request:
            conn.close()
            _redirect(0, os.open(os.devnull, os.O_RDONLY))
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            _redirect(1, log)
            _redirect(2, os.dup(1))
            code = _main(request["spawn"])
        else:
            code = _run(conn, request)
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()  # what an interpreter's exit runs
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _run(conn: socket.socket, request: dict[str, Any]) -> int:
    """A command to its end, its output captured and sent back on `conn`."""
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        stdin.write(request["stdin"].encode())
        stdin.seek(0)
        _redirect(0, os.dup(stdin.fileno()))
        _redirect(1, os.dup(out.fileno()))
        _redirect(2, os.dup(err.fileno()))
        code = _main(request["run"])
        sys.stdout.flush()
        sys.stderr.flush()
        answer = {"returncode": code}
        for name, file in (("stdout", out), ("stderr", err)):
            file.seek(0)
            answer[name] = file.read().decode(errors="replace")
    conn.sendall(json.dumps(answer).encode() + b"\n")
    conn.close()
    return 0


def _main(argv: list[str]) -> int:
    from alur.cli import main

    sys.argv = ["alur", *argv]
    try:
        return main(argv) or 0
    except SystemExit as end:
        if end.code is None or isinstance(end.code, int):
            return end.code or 0
        print(end.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - what an interpreter prints for an uncaught error
        import traceback

        traceback.print_exc()
        return 1


def _redirect(fd: int, to: int) -> None:
    os.dup2(to, fd)
    os.close(to)


if __name__ == "__main__":
    serve(sys.argv[1])
