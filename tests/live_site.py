"""The real `luntan serve` on a free loopback port, with a site of its own (a temporary var folder and
SQLite database, migrated), for the tests that need real sockets: slow clients, the reverse proxy."""

from __future__ import annotations

import fcntl
import http.client
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveSite:
    port: int
    var: Path
    process: subprocess.Popen
    log: Path

    def get(self, path: str = "/", *, headers: dict[str, str] | None = None, timeout: float = 10.0):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            conn.close()

    def luntan(self, *args: str) -> str:
        return _luntan(self.env, *args)

    @property
    def env(self) -> dict[str, str]:
        return site_env(self.var)


def site_env(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(LUNTAN_VAR=str(var), DJANGO_SETTINGS_MODULE="luntan.settings.production", **extra)
    return env


def _luntan(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "luntan.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def template(tmp_path_factory) -> Path:
    """A site migrated and with its static files collected, made once for the whole test run and copied by
    `start`: `luntan migrate` takes half a minute of CPU, and each site used to pay it. The pytest-xdist workers
    share the one in their common temporary folder: the first to need it makes it, under a lock."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # pytest-of-<user>/pytest-<n>/, above each worker's own popen-gw<n>/
    folder = root / "live-site-template"
    with open(root / "live-site-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            env = site_env(folder)
            _luntan(env, "migrate", "--noinput", "-v", "0")
            _luntan(env, "collectstatic", "--noinput", "-v", "0")
            (folder / "made").touch()
    return folder


def start(var: Path, *, template: Path, **extra_env: str) -> LiveSite:
    """A site in `var` copied from `template` (its database and collected static files, not its secret key or
    cache), served by `luntan serve`; returns once `/` answers."""
    var.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(template / "luntan.sqlite3"), sqlite3.connect(var / "luntan.sqlite3")
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    shutil.copytree(template / "static", var / "static")
    env = site_env(var, **extra_env)
    port = free_port()
    log = var / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "luntan.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    site = LiveSite(port=port, var=var, process=process, log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"luntan serve exited:\n{log.read_text()}"
        try:
            status = site.get("/", timeout=5)[0]
            if status in (200, 301):  # 301: LUNTAN_HTTPS=1 sends plain HTTP to HTTPS
                return site
            if status >= 500:
                break
        except OSError:
            pass
        time.sleep(0.2)
    stop(site)
    raise AssertionError(f"luntan serve did not answer /:\n{log.read_text()}")


def stop(site: LiveSite) -> int:
    """SIGTERM to the server's process group, as systemd or Ctrl-C would; returns its exit code."""
    try:
        os.killpg(site.process.pid, signal.SIGTERM)
        return site.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(site.process.pid, signal.SIGKILL)
        return site.process.wait(timeout=5)
    except ProcessLookupError:
        return site.process.wait(timeout=5)
