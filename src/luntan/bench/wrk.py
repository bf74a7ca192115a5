"""Driving wrk and reading what it prints. Every run is bounded (duration, connections) and aimed at
loopback only."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors (connect, read, write, timeout) and non-2xx/3xx responses

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.errors == 0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([0-9]*\.?[0-9]+)(us|ms|s|m|h)$")


def duration_ms(text: str) -> float:
    """wrk's latency figures ("812.00us", "1.25ms", "2.01s") in milliseconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _count(text: str) -> int:
    """wrk's counts: "12345" or, in some builds, "12.35k"."""
    text = text.strip()
    scale = {"k": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1:], 1)
    return int(round(float(text[:-1] if scale > 1 else text) * scale))


def parse(output: str) -> WrkResult:
    """Reads `wrk --latency` output."""
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s*([0-9.]+[kMG]?) requests in ", output, re.M)
    if not (rps and p50 and p99 and total):
        raise WrkError(f"unexpected wrk output (was --latency given?):\n{output}")
    errors = 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return WrkResult(requests_per_second=float(rps.group(1)), p50_ms=duration_ms(p50.group(1)),
                     p99_ms=duration_ms(p99.group(1)), requests=_count(total.group(1)), errors=errors)


def combine(results: list[WrkResult]) -> WrkResult:
    """Several runs of one URL as one figure: the least disturbed round, i.e. the fastest one, with its own
    latencies (as timeit takes the best of its repeats: on a shared machine a slow round measures the
    neighbours, not the code; the slower rounds still show in the report's range), every request and
    error counted."""
    if not results:
        raise ValueError("no runs to combine")
    best = max(results, key=lambda r: r.requests_per_second)
    return WrkResult(
        requests_per_second=best.requests_per_second, p50_ms=best.p50_ms, p99_ms=best.p99_ms,
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
    )


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when running as root; else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=False, env=env, stdout=subprocess.DEVNULL)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, env=env,  # noqa: S607
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkError("wrk is not installed. Install it with `sudo apt-get install -y wrk` (Debian/Ubuntu) "
                   "and run `luntan bench` again.")


def command(wrk: str, url: str, *, seconds: float, connections: int, threads: int,
            cookie: str | None = None) -> list[str]:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        raise WrkError(f"refusing to load {host!r}: the benchmark only targets loopback")
    args = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
            "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    return [*args, url]


def run(wrk: str, url: str, *, seconds: float, connections: int, threads: int,
        cookie: str | None = None) -> WrkResult:
    args = command(wrk, url, seconds=seconds, connections=connections, threads=threads, cookie=cookie)
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30, check=False)  # noqa: S603
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}: {done.stderr or done.stdout}")
    return parse(done.stdout)
