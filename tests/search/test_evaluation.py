"""`luntan search eval` and `luntan search bench`: the measures, the reading of the set, and the commands run as
a member of staff runs them (a process of their own), in a scratch site that leaves the configured database
alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from luntan.markup.cooking import cook
from luntan.search import bench, evaluation
from luntan.search.evaluation import Answer, Query, Report

ROOT = Path(__file__).resolve().parents[2]


def _answer(found, relevant, traps=(), split="tune"):
    return Answer(query=Query(qid="q", query="x", relevant=tuple(relevant), split=split, traps=tuple(traps)),
                  found=tuple(found))


def test_recall_counts_the_relevant_documents_found_in_the_top_ten():
    assert _answer(["a", "x", "b"], ["a", "b", "c", "d"]).recall == 0.5
    assert _answer([], ["a"]).recall == 0


def test_reciprocal_rank_is_that_of_the_first_relevant_document():
    assert _answer(["x", "y", "a", "b"], ["a", "b"]).reciprocal_rank == pytest.approx(1 / 3)
    assert _answer(["x"], ["a"]).reciprocal_rank == 0


def test_false_hits_and_trap_hits():
    answer = _answer(["t", "a", "x"], ["a"], traps=["t"])
    assert (answer.false_hits, answer.trap_hits) == (2, 1)


def test_scores_are_averaged_over_the_queries_of_a_split():
    report = Report(backend="like", answers=[_answer(["a"], ["a"], split="test"), _answer(["x", "a"], ["a", "b"])])
    assert report.score().recall == pytest.approx(0.75)
    assert report.score().mrr == pytest.approx(0.75)
    assert report.score("test").recall == 1
    assert report.splits() == ["test", "tune"]


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_query_naming_an_unknown_document_is_refused(tmp_path):
    docs = evaluation.read_documents(_write(tmp_path / "d.jsonl", [
        {"id": "d1", "board": "灌水", "title": "标题", "body": "正文", "author": "作者甲"}]))
    with pytest.raises(CommandError, match="unknown documents"):
        evaluation.read_queries(_write(tmp_path / "q.jsonl", [{"qid": "q1", "query": "正文", "relevant": ["d9"]}]),
                                docs)


@pytest.mark.parametrize("line, message", [
    ('{"id": "d1", "board": "灌水", "title": "标题"}', "no 'body'"),
    ("not json", "not JSON"),
])
def test_a_broken_document_line_is_named(tmp_path, line, message):
    (tmp_path / "d.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        evaluation.read_documents(tmp_path / "d.jsonl")


def test_the_bench_text_is_cooked_as_the_forum_cooks_it():
    import random

    writer = bench.Writer(random.Random(1))
    bodies = [writer.body(topic) for topic in bench.BOARDS for _ in range(20)]
    assert any("\n\n" in body for body in bodies)
    for body in bodies:
        assert bench.cooked(body) == cook(body, fmt="markdown")


def _luntan(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`luntan search ...` in a process of its own, with a var folder of its own; on PostgreSQL the configured
    database is one that does not exist, so that the command can only have worked in its scratch database."""
    env = {**os.environ, "LUNTAN_VAR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "luntan.settings.test",
           "PYTHONPATH": str(ROOT / "src")}
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = env["DATABASE_URL"].rstrip("/") + f"_cmd{os.getpid()}"
    done = subprocess.run([sys.executable, "-m", "luntan", "search", *args], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_eval_command_prints_each_querys_top_ten_and_the_scores(tmp_path):
    docs = _write(tmp_path / "d.jsonl", [
        {"id": "k1", "board": "旅行", "title": "京都穿和服", "body": "在二年坂租的和服，拍照很好看。",
         "author": "京都旅人"},
        {"id": "k2", "board": "旅行", "title": "民宿", "body": "老板说话温和服务周到。", "author": "北方旅人"},
        {"id": "k3", "board": "美食", "title": "火锅", "body": "成都的火锅真好吃。", "author": "吃货小王"},
    ])
    queries = _write(tmp_path / "q.jsonl", [
        {"qid": "q1", "query": "和服", "relevant": ["k1"], "traps": ["k2"]},
        {"qid": "q2", "query": "火锅", "relevant": ["k3"], "split": "test"},
    ])
    out = _luntan(tmp_path, "eval", "--docs", str(docs), "--queries", str(queries), "--backend", "like").stdout
    assert "3 documents, 2 queries" in out
    assert "backend: like" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("q")}
    assert lines["q1"].endswith("->  k2 k1  <") or lines["q1"].endswith("->  k1 k2  <")  # LIKE finds the trap
    assert lines["q2"].split("->")[1].split() == ["k3"]
    summary = {line.split()[0]: line.split() for line in out.splitlines() if line.split()[:1] in (["all"], ["test"])}
    assert summary["all"][1:3] == ["2", "1.000"]  # queries, recall@10
    assert summary["all"][5] == "1"  # one trap found
    assert summary["test"][1:4] == ["1", "1.000", "1.000"]
    assert not (tmp_path / "var" / "luntan.sqlite3").exists()  # the configured SQLite database was never made


def test_bench_command_builds_times_and_prints_the_table(tmp_path):
    out = _luntan(tmp_path, "bench", "--floors", "2000", "--queries", "10", "--like-queries", "3",
                  "--var", str(tmp_path / "bench")).stdout
    assert "floors         2,000 in" in out
    assert "reindex" in out and "index " in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "query" not in line]
    kinds = {(row.split("|")[1].strip(), row.split("|")[3].strip()) for row in rows}
    assert {kind for kind, _ in kinds} == {"one word", "two words", "phrase", "filtered"}
    assert ("one word", "3") in kinds and ("one word", "10") in kinds  # LIKE timed on fewer queries
    assert not (tmp_path / "bench" / "search-bench.sqlite3").exists()  # dropped at the end
    assert not (tmp_path / "var" / "luntan.sqlite3").exists()


@pytest.mark.django_db
def test_the_bench_inserts_the_floor_rows_bulk_create_would(thread, member):
    from datetime import timedelta

    from django.utils import timezone

    from luntan.forum.models import Floor

    moment = timezone.now() - timedelta(days=3)
    bench.insert_floors([(thread.pk, 90, member.pk, "成都的火锅很地道。", bench.cooked("成都的火锅很地道。"), moment)])
    Floor.objects.bulk_create([Floor(thread=thread, number=91, author=member, source="成都的火锅很地道。",
                                     format="markdown", html=bench.cooked("成都的火锅很地道。"), created_at=moment,
                                     author_ip="127.0.0.1")])
    fast, orm = (Floor.objects.filter(thread=thread, number=n).values().get() for n in (90, 91))
    for row in (fast, orm):
        del row["id"], row["number"]
    assert fast == orm
    assert fast["created_at"] == moment
