"""What the figures depend on: the machine, and how busy other processes keep it."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_share(seconds: float = 1.0) -> float | None:
    """The share (0..1) of all cores busy over the next `seconds`, or None where /proc/stat is missing.
    Taken while the benchmark itself is idle, it is what other processes use."""
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def _clock_ticks() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError, AttributeError):
        return 100


def _group_ticks(pgid: int) -> int:
    """CPU ticks used so far by the live processes of a process group (the server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 12 and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total


def _own_ticks() -> int:
    """CPU ticks of this process and of its children that have ended (each wrk run)."""
    t = os.times()
    return round((t.user + t.system + t.children_user + t.children_system) * _clock_ticks())


class CpuMeter:
    """How much of the CPU other processes took while the benchmark ran one URL: all busy time, less the
    server's process group, this process and wrk. A share well above zero means the figure is low because
    something else ran, not because the page is slow."""

    def __init__(self, pgid: int):
        self.pgid = pgid
        self._start: tuple[int, int, int] | None = None

    def _snapshot(self) -> tuple[int, int, int] | None:
        times = _cpu_times()
        if times is None:
            return None
        return times[0], times[1], _group_ticks(self.pgid) + _own_ticks()

    def start(self) -> None:
        self._start = self._snapshot()

    def others(self) -> float | None:
        end = self._snapshot()
        if self._start is None or end is None or end[1] == self._start[1]:
            return None
        busy, total, ours = (e - s for e, s in zip(end, self._start, strict=True))
        return min(max((busy - ours) / total, 0.0), 1.0)
