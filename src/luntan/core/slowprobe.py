"""Slow clients against a local server, and how fast everyone else is answered meanwhile.

Half of the slow clients send a POST's headers and then its body one byte a second, the other half send
their headers one byte a second; while they are open, a probe asks for a page again and again and times
each complete answer. Traffic goes to loopback only, and everything stops after `seconds`."""

from __future__ import annotations

import asyncio
import ssl as ssl_module
import statistics
import time
from dataclasses import dataclass, field

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


@dataclass
class ProbeResult:
    slow_clients: int
    slow_clients_open: int = 0  # still connected when the probing ended
    latencies: list[float] = field(default_factory=list)  # seconds, answered probes
    statuses: list[int] = field(default_factory=list)
    failures: int = 0  # no complete answer within the probe's timeout

    @property
    def worst(self) -> float:
        return max(self.latencies, default=float("inf"))

    def ok(self, limit: float) -> bool:
        return bool(self.latencies) and not self.failures and self.worst < limit

    def summary(self) -> str:
        if not self.latencies:
            return f"{self.slow_clients} slow clients: no probe answered ({self.failures} failed)"
        return (f"{self.slow_clients} slow clients ({self.slow_clients_open} still open): "
                f"{len(self.latencies)} probes answered, median {statistics.median(self.latencies) * 1000:.0f} ms, "
                f"worst {self.worst * 1000:.0f} ms, {self.failures} failed, "
                f"statuses {sorted(set(self.statuses))}")


async def _trickle(host: str, port: int, head: bytes, drip: bytes, until: float, opened: set[int],
                   tls: ssl_module.SSLContext | None) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port, ssl=tls)
    except OSError:
        return
    opened.add(id(writer))
    try:
        writer.write(head)
        await writer.drain()
        for byte in drip:
            if time.monotonic() >= until or reader.at_eof():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1.0)
    except OSError:
        pass
    finally:
        opened.discard(id(writer))
        writer.close()


async def _ask(host: str, port: int, path: str, timeout: float,
               tls: ssl_module.SSLContext | None) -> tuple[float, int] | None:
    start = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port, ssl=tls)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            data = await reader.read()  # the whole answer: the server closes after it
            writer.close()
    except (OSError, TimeoutError):
        return None
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return time.monotonic() - start, status


async def probe(*, host: str = "127.0.0.1", port: int, path: str = "/", slow_clients: int = 20,
                seconds: float = 6.0, settle: float = 1.5, timeout: float = 5.0,
                tls: ssl_module.SSLContext | None = None) -> ProbeResult:
    """Opens `slow_clients` slow connections, waits `settle` seconds for them to take hold, then probes
    `path` until `seconds` have passed since the start. `tls`: speak HTTPS with that context."""
    if host not in LOOPBACK_HOSTS:
        raise ValueError("slowprobe only talks to loopback")
    start = time.monotonic()
    until = start + seconds
    opened: set[int] = set()
    slow_body = (f"POST /login/ HTTP/1.1\r\nHost: {host}\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n").encode()
    slow_head = f"GET / HTTP/1.1\r\nHost: {host}\r\n".encode()
    hold = until + timeout  # the slow clients outlast the probing
    trickles = [
        asyncio.create_task(_trickle(host, port, slow_body, b"a" * 10_000, hold, opened, tls)) if n % 2 == 0
        else asyncio.create_task(_trickle(host, port, slow_head, b"X-Slow: " + b"z" * 10_000, hold, opened, tls))
        for n in range(slow_clients)
    ]
    await asyncio.sleep(settle)
    result = ProbeResult(slow_clients=slow_clients)
    while time.monotonic() < until:
        answer = await _ask(host, port, path, min(timeout, max(0.1, until + timeout - time.monotonic())), tls)
        if answer is None:
            result.failures += 1
        else:
            result.latencies.append(answer[0])
            result.statuses.append(answer[1])
        await asyncio.sleep(0.2)
    result.slow_clients_open = len(opened)
    for task in trickles:
        task.cancel()
    await asyncio.gather(*trickles, return_exceptions=True)
    return result


def run(**options) -> ProbeResult:
    return asyncio.run(probe(**options))
