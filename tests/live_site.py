"""The real `luntan serve` on a free loopback port, with a site of its own (a temporary var folder and
SQLite database, migrated), for the tests that need real sockets: slow clients, the reverse proxy."""

from __future__ import annotations

import http.client
import os
import signal
import socket
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


def start(var: Path, **extra_env: str) -> LiveSite:
    """Migrates a site in `var`, collects its static files and starts `luntan serve` for it; returns once
    `/` answers."""
    env = site_env(var, **extra_env)
    _luntan(env, "migrate", "--noinput", "-v", "0")
    _luntan(env, "collectstatic", "--noinput", "-v", "0")
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
