"""`luntan search eval`: how well search finds what a member means, measured on a relevance set.

    luntan search eval --docs DOCS.jsonl --queries QUERIES.jsonl [--backend like]

One JSON object a line: documents `{"id", "board", "title", "body", "author"}`, queries `{"qid", "query",
"relevant": [document ids]}` and optionally `"split"` ("tune" or "test": the test part is not looked at while
tuning) and `"traps"` (documents the query's characters meet only by accident, across a word boundary:
温和服务 for 和服; they must not be found).

The documents become threads (title and first floor) of a fresh scratch site, never the live one: a
temporary SQLite file, or a scratch PostgreSQL database next to the one DATABASE_URL names, migrated from
nothing, with a local-memory cache. They go in through the forum's services (category_save, board_save,
thread_create), so the rows are those a member's post makes, then `luntan.search.index.reindex` runs and
every query is asked through `luntan.search.api.search`, as the /search/ page asks it, by a member who may
read every board. Printed: each query's top-10 document ids, then recall@10, MRR and the false hits (found
but not relevant; trap documents found), for all queries and for each split.

`evaluate()` is the same measurement in the current database (tests/search/test_relevance.py runs it in the
test database, inside a transaction it rolls back)."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

TOP = 10
SEED = 9  # the order the documents are posted in: shuffled, so that the order they are written in means nothing
SEARCHER = "评测读者"
LOADER = "评测站长"
CATEGORY = "评测分区"


@dataclass(frozen=True)
class Document:
    id: str
    board: str
    title: str
    body: str
    author: str


@dataclass(frozen=True)
class Query:
    qid: str
    query: str
    relevant: tuple[str, ...]
    split: str = "tune"
    traps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One query's top ten, and how it scored."""
    query: Query
    found: tuple[str, ...]  # document ids, best first, at most TOP

    @property
    def recall(self) -> float:
        return len(set(self.found) & set(self.query.relevant)) / len(self.query.relevant)

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / rank for rank, doc in enumerate(self.found, 1) if doc in self.query.relevant), 0.0)

    @property
    def false_hits(self) -> int:
        return sum(1 for doc in self.found if doc not in self.query.relevant)

    @property
    def trap_hits(self) -> int:
        return sum(1 for doc in self.found if doc in self.query.traps)


@dataclass(frozen=True)
class Score:
    queries: int
    recall: float  # mean recall@10 over the queries
    mrr: float
    false_hits: int  # documents in the top ten that are not relevant, all queries together
    trap_hits: int  # trap documents in the top ten


@dataclass
class Report:
    backend: str
    answers: list[Answer] = field(default_factory=list)

    def score(self, split: str | None = None) -> Score:
        chosen = [a for a in self.answers if split is None or a.query.split == split]
        n = len(chosen) or 1
        return Score(queries=len(chosen), recall=sum(a.recall for a in chosen) / n,
                     mrr=sum(a.reciprocal_rank for a in chosen) / n,
                     false_hits=sum(a.false_hits for a in chosen), trap_hits=sum(a.trap_hits for a in chosen))

    def splits(self) -> list[str]:
        return sorted({a.query.split for a in self.answers})


# --- reading the set ----------------------------------------------------------------------------------------

def _lines(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise CommandError(f"{path}:{number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise CommandError(f"{path}:{number}: a JSON object is expected")
            yield number, row


def read_documents(path: Path) -> list[Document]:
    docs: list[Document] = []
    seen: set[str] = set()
    for number, row in _lines(path):
        try:
            doc = Document(id=str(row["id"]), board=str(row["board"]), title=str(row["title"]),
                           body=str(row["body"]), author=str(row["author"]))
        except KeyError as missing:
            raise CommandError(f"{path}:{number}: no {missing} (a document has id, board, title, body, "
                               "author)") from None
        if doc.id in seen:
            raise CommandError(f"{path}:{number}: the id {doc.id} is used twice")
        seen.add(doc.id)
        docs.append(doc)
    return docs


def read_queries(path: Path, docs: list[Document] | None = None) -> list[Query]:
    known = {d.id for d in docs} if docs is not None else None
    queries: list[Query] = []
    for number, row in _lines(path):
        try:
            query = Query(qid=str(row["qid"]), query=str(row["query"]),
                          relevant=tuple(str(r) for r in row["relevant"]), split=str(row.get("split", "tune")),
                          traps=tuple(str(r) for r in row.get("traps", ())))
        except KeyError as missing:
            raise CommandError(f"{path}:{number}: no {missing} (a query has qid, query, relevant)") from None
        if not query.relevant:
            raise CommandError(f"{path}:{number}: query {query.qid} has no relevant document")
        if known is not None:
            unknown = [r for r in (*query.relevant, *query.traps) if r not in known]
            if unknown:
                raise CommandError(f"{path}:{number}: query {query.qid} names unknown documents {unknown}")
        queries.append(query)
    return queries


# --- the measurement, in the current database ----------------------------------------------------------------

def load_documents(docs: list[Document]):
    """Posts every document as a thread through the forum's services, spread over the last months in a
    shuffled order; returns (the searcher, {thread id: document id})."""
    from django.utils import timezone

    from luntan.accounts.models import Member
    from luntan.forum import services
    from luntan.forum.models import Board, Category, Floor, Thread

    loader = Member.objects.create_superuser(LOADER, email="loader@eval.invalid", password=None)
    searcher = Member.objects.create_user(SEARCHER, email="reader@eval.invalid", password=None)
    category = services.category_save(member=loader, category=Category(name=CATEGORY))
    boards = {name: services.board_save(member=loader, board=Board(category=category, name=name))
              for name in dict.fromkeys(d.board for d in docs)}
    authors = {name: Member.objects.create_user(name, email=f"author{k}@eval.invalid", password=None)
               for k, name in enumerate(dict.fromkeys(d.author for d in docs))}
    order = list(docs)
    random.Random(SEED).shuffle(order)
    now = timezone.now()
    threads: dict[int, str] = {}
    for k, doc in enumerate(order):
        floor = services.thread_create(author=authors[doc.author], board=boards[doc.board], title=doc.title,
                                       source=doc.body, fmt="bbcode")
        # Posted over the last months, one every few hours, as on a forum that is read.
        moment = now - timedelta(hours=6 * (len(order) - k))
        Thread.objects.filter(pk=floor.thread_id).update(created_at=moment, last_reply_at=moment)
        Floor.objects.filter(pk=floor.pk).update(created_at=moment)
        threads[floor.thread_id] = doc.id
    return searcher, threads


def ask(searcher, query: Query, threads: dict[int, str], backend: str | None) -> Answer:
    from luntan.search import api

    results = api.search(searcher, query.query, api.Filters(), sort="relevance", page=1, backend=backend)
    found: list[str] = []
    for hit in results.hits:
        doc = threads.get(hit.thread_id)
        if doc is not None and doc not in found:
            found.append(doc)
    return Answer(query=query, found=tuple(found[:TOP]))


def evaluate(docs: list[Document], queries: list[Query], *, backends: tuple[str | None, ...] = (None,),
             progress=None) -> list[Report]:
    """Loads the documents into the current database, reindexes and asks every query of each backend."""
    from luntan.search import api, index
    from luntan.search.api import readable_board_ids

    searcher, threads = load_documents(docs)
    index.reindex(progress=progress)
    from luntan.forum.models import Thread

    boards = set(Thread.objects.filter(pk__in=threads).values_list("board_id", flat=True))
    if not boards <= readable_board_ids(searcher):
        raise CommandError("the evaluation's reader may not read every board of the scratch site")
    return [Report(backend=api.backend_named(name).name, answers=[ask(searcher, q, threads, name) for q in queries])
            for name in backends]


# --- the scratch site --------------------------------------------------------------------------------------

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scratch"}}


@contextmanager
def scratch_site(tag: str, *, sqlite_path: Path | None = None, keep: bool = False) -> Iterator[str]:
    """The default database pointed at a new, migrated, empty site for the time of the block, with a
    local-memory cache: a SQLite file (`sqlite_path`, or a temporary one) or, on PostgreSQL, the database
    `<name>_<tag>` beside the configured one, made afresh. Yields the scratch database's name; it is dropped
    at the end unless `keep`. Nothing is written to the configured database."""
    from django.db import connection
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory(prefix=f"luntan-{tag}-") as folder:
        if connection.vendor == "sqlite":
            name = str(sqlite_path or Path(folder) / f"{tag}.sqlite3")
        else:
            name = f"{connection.settings_dict['NAME']}_{tag}"
        connection.close()
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name
        with override_settings(CACHES=LOCAL_CACHE):
            live = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield name
            finally:
                connection.creation.destroy_test_db(live, verbosity=0, keepdb=keep)


# --- the command ---------------------------------------------------------------------------------------------

def add_arguments(parser) -> None:
    parser.add_argument("--docs", required=True, type=Path, help="documents, one JSON object a line")
    parser.add_argument("--queries", required=True, type=Path, help="queries, one JSON object a line")
    parser.add_argument("--backend", default=None,
                        help="the backend to measure: like (plain LIKE, as Discuz!), or the one the database "
                             "gets by default when not given")
    parser.add_argument("--compare", action="store_true", help="measure the default backend and LIKE, side by side")


def _fmt(score: Score) -> str:
    return (f"{score.queries:>4}  {score.recall:>9.3f}  {score.mrr:>6.3f}  {score.false_hits:>10}  "
            f"{score.trap_hits:>9}")


def write_report(stdout, report: Report) -> None:
    stdout.write(f"backend: {report.backend}")
    for a in report.answers:
        mark = "" if a.recall == 1 and a.reciprocal_rank == 1 else "  <"
        stdout.write(f"{a.query.qid:<6} {a.query.split:<5} recall {a.recall:.2f} rr {a.reciprocal_rank:.2f}  "
                     f"{a.query.query}  ->  {' '.join(a.found) or '-'}{mark}")
    stdout.write("")
    stdout.write(f"{'split':<8}{'queries':>7}  {'recall@10':>9}  {'MRR':>6}  {'false hits':>10}  {'trap hits':>9}")
    for split in (None, *report.splits()):
        stdout.write(f"{split or 'all':<8}   {_fmt(report.score(split))}")
    stdout.write("")


def run(stdout, **options: Any) -> None:
    docs = read_documents(options["docs"])
    queries = read_queries(options["queries"], docs)
    backends: tuple[str | None, ...] = (None, "like") if options.get("compare") else (options.get("backend"),)
    with scratch_site("eval"):
        reports = evaluate(docs, queries, backends=backends)
    stdout.write(f"{len(docs)} documents, {len(queries)} queries")
    for report in reports:
        write_report(stdout, report)
