"""`luntan bench_poll`'s arithmetic and its section of docs/benchmarks.md."""

from luntan.bench import poll


def _figures(rps: float) -> poll.PollFigures:
    return poll.PollFigures(endpoint_rps=rps, endpoint_p50_ms=2.0, endpoint_p99_ms=9.0, ceiling_rps=2000.0,
                            pages=1000, interval=30, workers="3", database="SQLite", queries=1, writes=0)


def test_the_share_of_open_pages_is_their_requests_over_the_endpoints_throughput():
    figures = _figures(1000.0)
    assert round(figures.demand(), 2) == 33.33 and round(figures.share(), 4) == 0.0333
    assert round(figures.share(10), 2) == 0.10 and figures.of_ceiling == 0.5
    text = "\n".join(figures.lines())
    assert "3.3%" in text and "(the setting)" in text and "over the 10 % target" not in text.split("30 s")[1]


def test_the_docs_section_is_replaced_in_place(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nprose\n", encoding="utf-8")
    poll.refresh_docs(docs, poll.section(_figures(1000.0), "2026-12-03"))
    poll.refresh_docs(docs, poll.section(_figures(500.0), "2026-12-04"))
    text = docs.read_text(encoding="utf-8")
    assert text.count(poll.BEGIN) == 1 and "2026-12-04" in text and "2026-12-03" not in text and "prose" in text
