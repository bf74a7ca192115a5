"""The real server for the benchmark: `luntan serve`'s own gunicorn command line on a free loopback port,
serving the site's application with the ceiling beside it (luntan.bench.wsgi), in a process group of its
own so that stopping it stops every worker."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from luntan.core.management.commands.serve import gunicorn_argv

SITE_APPLICATION = "luntan.wsgi:application"
BENCH_APPLICATION = "luntan.bench.wsgi:application"


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def argv(port: int, *, workers: int | None = None) -> list[str]:
    """`luntan serve`'s command line, the application aside."""
    line = gunicorn_argv(bind=f"127.0.0.1:{port}", workers=workers)
    line[line.index(SITE_APPLICATION)] = BENCH_APPLICATION
    return line


def start(port: int, *, env: dict[str, str], log_path: Path, workers: int | None = None) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        return subprocess.Popen(  # noqa: S603 - our interpreter running gunicorn, no shell
            argv(port, workers=workers), env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )


def wait_ready(process: subprocess.Popen, port: int, path: str, *, timeout: float = 60.0) -> None:
    """Waits until the server answers `path` with 200, or fails if it died or never answered."""
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the server exited with code {process.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            last_error = f"HTTP {status}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise ServerError(f"the server did not answer {path} within {timeout:.0f} s ({last_error})")


def status_of(port: int, path: str, *, cookie: str | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        return conn.getresponse().status
    finally:
        conn.close()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop(process: subprocess.Popen, *, grace: float = 15.0) -> None:
    """Stops gunicorn and its workers: SIGTERM to the process group (gunicorn's graceful stop, which also
    runs its final flush), SIGKILL to whatever is left after `grace` seconds."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    # A worker orphaned by a master that died early is still in the group.
    _signal_group(process.pid, signal.SIGKILL)
