"""`luntan bench_poll`'s figures: what the header's unread-count poll (/notifications/count/) costs the server.

An open page asks every N seconds (settings.LUNTAN["NOTICE_POLL_SECONDS"]), so P open pages send P/N requests
a second. The server's capacity for them is the endpoint's own throughput with every worker busy (wrk against
the real gunicorn); the share of it that P pages take is (P/N) / throughput. The ceiling (a bare Django view,
luntan.bench.ceiling) is measured beside it, for scale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- luntan bench_poll: generated section, refreshed by `luntan bench_poll` -->"
END = "<!-- luntan bench_poll: end of generated section -->"
TARGET_SHARE = 0.10  # the issue: 1,000 open pages cost the server under 10 % of its capacity


@dataclass(frozen=True)
class PollFigures:
    endpoint_rps: float
    endpoint_p50_ms: float
    endpoint_p99_ms: float
    ceiling_rps: float
    pages: int
    interval: int
    workers: str
    database: str
    queries: int
    writes: int
    others: float | None = None  # CPU share other processes took just before the run

    @property
    def of_ceiling(self) -> float:
        return self.endpoint_rps / self.ceiling_rps if self.ceiling_rps else 0.0

    def demand(self, interval: int | None = None) -> float:
        """Requests a second that `pages` open pages send."""
        return self.pages / (interval or self.interval)

    def share(self, interval: int | None = None) -> float:
        return self.demand(interval) / self.endpoint_rps if self.endpoint_rps else float("inf")

    def lines(self) -> list[str]:
        queries = f"{self.queries} SQL {'query' if self.queries == 1 else 'queries'}"
        out = [
            f"- Count endpoint, signed-in member: **{self.endpoint_rps:,.0f} req/s** "
            f"(p50 {self.endpoint_p50_ms:.1f} ms, p99 {self.endpoint_p99_ms:.1f} ms), {queries}, "
            f"{self.writes} writes; the ceiling on the same server: {self.ceiling_rps:,.0f} req/s "
            f"({self.workers} sync workers, {self.database}); the endpoint is {self.of_ceiling:.0%} of the ceiling.",
        ]
        if self.others is not None and self.others > 0.15:
            out.append(f"- Other processes used {self.others:.0%} of the CPU before the run: every figure below is "
                       "lower than this machine does at rest; the share of the ceiling holds better.")
        for interval in sorted({10, self.interval, 60}):
            share = self.share(interval)
            mark = "ok" if share < TARGET_SHARE else "over the 10 % target"
            setting = " (the setting)" if interval == self.interval else ""
            out.append(f"- {self.pages:,} open pages polling every {interval} s{setting}: "
                       f"{self.demand(interval):,.1f} req/s = **{share:.1%}** of the server's capacity ({mark}).")
        return out


def section(figures: PollFigures, when: str) -> str:
    return "\n".join([
        BEGIN, "", f"### Unread-count poll: latest run ({when})", "", *figures.lines(), "", END,
    ])


def refresh_docs(path: Path, text: str) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text, current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(updated, encoding="utf-8")
