"""The figures: one row per page and visitor, the issue's targets checked against them, and the
generated section of docs/benchmarks.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from luntan.bench.pages import ANONYMOUS, CEILING, MEMBER, QueryCount
from luntan.bench.wrk import WrkResult

BEGIN = "<!-- luntan bench: generated section, refreshed by `luntan bench` -->"
END = "<!-- luntan bench: end of generated section -->"

# The targets from the issue.
ANON_THREAD_MIN = 0.60  # anonymous thread page: at least 60 % of the ceiling's requests/s (the standing target)
MEMBER_THREAD_MIN = 0.20  # signed-in thread page: at least a fifth
P99_MAX_MS = 50.0
MEGATHREAD_TOLERANCE = 0.20  # last page within 20% of the first
THREAD_QUERIES_MAX = 8


LEGEND = ("req/s, p50, p99: the fastest (least disturbed) round; rounds' req/s: the lowest and highest round. "
          "% of ceiling: of the anonymous ceiling's req/s. SQL: queries of the page rendered afresh; SQL cached: "
          "the same page asked again at once (a guest's page then comes from the page cache). others: CPU share "
          "other processes on the machine took during that run (should be ~0%).")

RUSH_LEGEND = ("Members of a pool, each signed in with their own session and form token, POST their check-in to "
               "/checkin/ all at once over 16 connections; latency is from request to answer (a 302 to the page).")


@dataclass
class Row:
    page: str
    visitor: str
    result: WrkResult | None
    queries: QueryCount | None = None
    others: float | None = None  # share of the CPU other processes used during the run (the worst round)
    rounds: list[WrkResult] = field(default_factory=list)  # each round's figures, `result` is the fastest


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None  # None: not measured
    detail: str


def percent(part: float, whole: float) -> float | None:
    """`part` as a percentage of `whole`, or None when there is nothing to compare with."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def within(value: float, reference: float, tolerance: float) -> bool:
    """Whether `value` (requests/s) is no more than `tolerance` below `reference`: faster is always fine."""
    return reference > 0 and value >= reference * (1.0 - tolerance)


def ceiling_rps(rows: list[Row]) -> float:
    """The anonymous ceiling's requests/s: every page, signed-in ones included, is a share of it."""
    for row in rows:
        if row.page == CEILING and row.visitor == ANONYMOUS and row.result is not None:
            return row.result.requests_per_second
    return 0.0


def _find(rows: list[Row], prefix: str, visitor: str) -> Row | None:
    return next((r for r in rows if r.page.startswith(prefix) and r.visitor == visitor), None)


def _rps(row: Row | None) -> float | None:
    return row.result.requests_per_second if row is not None and row.result is not None else None


def _fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _spread(rounds: list[WrkResult]) -> str:
    if len(rounds) < 2:
        return "–"
    rates = [r.requests_per_second for r in rounds]
    return f"{min(rates):,.0f}–{max(rates):,.0f}"


def checks(rows: list[Row]) -> list[Check]:
    ceiling = ceiling_rps(rows)
    found: list[Check] = []
    for visitor, minimum in ((ANONYMOUS, ANON_THREAD_MIN), (MEMBER, MEMBER_THREAD_MIN)):
        rps = _rps(_find(rows, "thread page 1", visitor))
        share = percent(rps, ceiling) if rps is not None else None
        found.append(Check(
            f"{visitor} thread page ≥ {minimum:.0%} of the ceiling",
            None if share is None else share >= minimum * 100,
            f"{_fmt_pct(share)} ({rps or 0:.0f} of {ceiling:.0f} req/s)",
        ))
    measured = [(r, result) for r in rows if (result := r.result) is not None]
    if measured:
        worst, slowest = max(measured, key=lambda m: m[1].p99_ms)
        found.append(Check(f"p99 < {P99_MAX_MS:.0f} ms on every page", slowest.p99_ms < P99_MAX_MS,
                           f"worst {slowest.p99_ms:.1f} ms ({worst.page}, {worst.visitor})"))
    else:
        found.append(Check(f"p99 < {P99_MAX_MS:.0f} ms on every page", None, "not measured"))
    parts, results = [], []
    for visitor in (ANONYMOUS, MEMBER):
        first = _rps(_find(rows, "megathread first", visitor))
        last = _rps(_find(rows, "megathread last", visitor))
        if first is None or last is None:
            continue
        results.append(within(last, first, MEGATHREAD_TOLERANCE))
        parts.append(f"{visitor}: last {_fmt_pct(percent(last, first))} of first")
    passed = all(results) if results else None
    found.append(Check(f"megathread last page within {MEGATHREAD_TOLERANCE:.0%} of the first", passed,
                       "; ".join(parts) or "not measured"))
    if measured:
        failed = [(r, result) for r, result in measured if result.errors]
        found.append(Check("every request answered (2xx/3xx, no socket error)", not failed,
                           "yes" if not failed else
                           "; ".join(f"{r.page} ({r.visitor}): {result.errors}" for r, result in failed)))
    thread_rows = [(r, q) for r in rows if r.page.startswith(("thread page", "megathread")) and (q := r.queries)]
    if thread_rows:
        most, costliest = max(thread_rows, key=lambda m: m[1].rendered)
        found.append(Check(f"≤ {THREAD_QUERIES_MAX} SQL queries per thread page",
                           costliest.rendered <= THREAD_QUERIES_MAX,
                           f"at most {costliest.rendered} ({most.page}, {most.visitor}, rendered afresh)"))
    writes = [(r, sql) for r in rows if r.queries for sql in r.queries.writes]
    if any(r.queries for r in rows):
        found.append(Check("no database write on a plain page view", not writes,
                           "none" if not writes else
                           f"{len(writes)}: {writes[0][0].page} ({writes[0][0].visitor}): {writes[0][1][:120]}"))
    return found


def rush_checks(rush) -> list[Check]:
    """The midnight rush's targets (luntan.bench.rush): exact, and a p99 under the aim."""
    from luntan.bench.rush import P99_AIM_MS

    if rush is None:
        return []
    return [
        Check(f"midnight rush: {rush.members:,} check-ins, one each, one reward each, ranks without gap, "
              "ledger audit clean", rush.exact, rush.summary()),
        Check(f"midnight rush: check-in POST p99 < {P99_AIM_MS:.0f} ms", rush.p99_ms < P99_AIM_MS,
              f"p99 {rush.p99_ms:.1f} ms (p50 {rush.p50_ms:.1f} ms)"),
    ]


def table(rows: list[Row]) -> str:
    """A Markdown table, aligned so that it also reads well in a terminal."""
    ceiling = ceiling_rps(rows)
    header = ["page", "visitor", "req/s", "rounds' req/s", "% of ceiling", "p50 ms", "p99 ms", "SQL",
              "SQL cached", "errors", "others"]
    lines = []
    for row in rows:
        r, q = row.result, row.queries
        lines.append([
            row.page, row.visitor,
            f"{r.requests_per_second:,.0f}" if r else "–",
            _spread(row.rounds),
            _fmt_pct(percent(r.requests_per_second, ceiling)) if r else "–",
            f"{r.p50_ms:.1f}" if r else "–",
            f"{r.p99_ms:.1f}" if r else "–",
            str(q.rendered) if q else "–",
            str(q.cached) if q else "–",
            str(r.errors) if r else "–",
            _fmt_pct(None if row.others is None else 100 * row.others),
        ])
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    numeric = set(range(2, len(header)))

    def fmt(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in numeric else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else ("-" * (w + 2))
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


def checks_text(found: list[Check]) -> str:
    marks = {True: "PASS", False: "FAIL", None: "n/a "}
    return "\n".join(f"- {marks[c.passed]}  {c.name}: {c.detail}" for c in found)


def section(*, rows: list[Row], found: list[Check], facts: list[tuple[str, str]], rush=None) -> str:
    lines = [BEGIN, "", "## Latest results", ""]
    lines += [f"- **{k}**: {v}" for k, v in facts]
    lines += ["", table(rows), "", LEGEND, ""]
    if rush is not None:
        lines += ["### Midnight rush (每日签到)", "", RUSH_LEGEND, "", f"- {rush.summary()}", ""]
    lines += ["### Targets", "", checks_text(found), "", END]
    return "\n".join(lines)


def replace_section(document: str, generated: str) -> str:
    """The document with its generated section replaced (or appended when it has none yet)."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: generated, document, count=1)
    return document.rstrip("\n") + "\n\n" + generated + "\n"


def write_docs(path: Path, generated: str, *, template: str) -> None:
    document = path.read_text(encoding="utf-8") if path.exists() else template
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(document, generated), encoding="utf-8")
