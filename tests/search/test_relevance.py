"""Search quality may not drop: the relevance set (tests/search/relevance/) goes into the test database, every
query is asked through luntan.search.api.search as the /search/ page asks it, and recall@10, MRR and the trap
documents found must stay at least as good as measured. See docs/benchmarks.md, "Search (issue #9)"."""

from pathlib import Path

import pytest
from django.db import connection, transaction
from helpers import clear_cache

from luntan.core import localcache
from luntan.search import evaluation

# The figures this set reached when last measured, with the backend api.search picks for the database (FTS5
# and PostgreSQL give the same). A drop below any of them fails. Per split: "all" queries, the held-out "test"
# split, and three "blind" splits, each written by someone who had not seen the engine and measured once as
# it was: blind (0.924 / 0.958 then; tuned on since), blind2 (0.941 / 1.000 then; tuned on since) and blind3
# (untouched). trap_hits is the most allowed. The LIKE baseline on the same set: recall 0.703, MRR 0.849, 36
# trap documents found (docs/benchmarks.md).
MEASURED = {
    "all": {"recall": 0.970, "mrr": 1.000, "trap_hits": 0},
    "test": {"recall": 0.974, "mrr": 1.000, "trap_hits": 0},
    "blind": {"recall": 0.965, "mrr": 1.000, "trap_hits": 0},
    "blind2": {"recall": 0.947, "mrr": 1.000, "trap_hits": 0},
    "blind3": {"recall": 0.971, "mrr": 1.000, "trap_hits": 0},
}
SLACK = 0.0005  # the figures above are rounded to three places

SET = Path(__file__).parent / "relevance"

pytestmark = pytest.mark.django_db  # so that the session sets the test database up before the module's fixture


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker) -> evaluation.Report:
    """The set loaded once for the module, measured, and rolled back."""
    docs = evaluation.read_documents(SET / "docs.jsonl")
    queries = evaluation.read_queries(SET / "queries.jsonl", docs)
    with django_db_blocker.unblock():
        assert "test" in str(connection.settings_dict["NAME"]), "the relevance set goes into the test database only"
        clear_cache()
        localcache.fragments.clear()
        with transaction.atomic():
            (measured,) = evaluation.evaluate(docs, queries)
            transaction.set_rollback(True)
        clear_cache()
        localcache.fragments.clear()
    return measured


def test_the_set_is_big_and_varied_enough():
    docs = evaluation.read_documents(SET / "docs.jsonl")
    queries = evaluation.read_queries(SET / "queries.jsonl", docs)
    assert len(docs) >= 300
    assert len(queries) >= 50
    assert {"tune", "test"} <= {q.split for q in queries} <= {"tune", "test", "blind", "blind2", "blind3"}
    assert sum(q.split == "test" for q in queries) >= 15
    assert sum(bool(q.traps) for q in queries) >= 8


@pytest.mark.parametrize("split", sorted(MEASURED))
def test_recall_at_10_does_not_drop(report, split):
    assert report.score(_split(split)).recall >= MEASURED[split]["recall"] - SLACK, _misses(report, split)


@pytest.mark.parametrize("split", sorted(MEASURED))
def test_mrr_does_not_drop(report, split):
    assert report.score(_split(split)).mrr >= MEASURED[split]["mrr"] - SLACK, _misses(report, split)


@pytest.mark.parametrize("split", sorted(MEASURED))
def test_no_more_trap_documents_are_found(report, split):
    """温和服务 for 和服, 南京市长江大桥 for 市长: characters that meet across a word boundary."""
    assert report.score(_split(split)).trap_hits <= MEASURED[split]["trap_hits"], _misses(report, split)


def test_every_query_was_asked(report):
    assert len(report.answers) == len(evaluation.read_queries(SET / "queries.jsonl"))
    assert any(a.found for a in report.answers)


def _split(name: str) -> str | None:
    return None if name == "all" else name


def _misses(report, split) -> str:
    return "\n".join(f"{a.query.qid} {a.query.query}: found {a.found}, relevant {a.query.relevant}"
                     for a in report.answers
                     if (split == "all" or a.query.split == split) and (a.recall < 1 or a.reciprocal_rank < 1))

