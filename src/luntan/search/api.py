"""The one way into search. The search page, `luntan search eval` and the search bench all call `search()`;
a backend answers: SQLite FTS5 or PostgreSQL full text, chosen by the database, or plain LIKE (what Discuz!
does) for comparison. The interface is narrow on purpose, so that an external engine would be one more
backend and no caller would change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.utils.translation import gettext as _

from luntan.forum.permissions import board_access, visible_board_ids

PER_PAGE = 10
MAX_QUERY_CHARS = 200
SORTS = ("relevance", "newest")

Marked = tuple[tuple[str, bool], ...]  # text in pieces: (piece, whether it is a matched word)


@dataclass(frozen=True)
class Filters:
    board_ids: frozenset[int] | None = None  # chosen boards; None: every board the searcher may read
    author_id: int | None = None
    since: date | None = None  # posted on or after this day (site time)
    until: date | None = None  # posted on or before this day
    title_only: bool = False
    digest_only: bool = False


@dataclass(frozen=True)
class Scope:
    """What a backend may return: the filters, with the boards narrowed to those the searcher may read."""
    filters: Filters
    board_ids: frozenset[int]


@dataclass(frozen=True)
class Hit:
    floor_id: int
    thread_id: int
    number: int  # the floor's number: 1 is the thread's first post
    title: Marked
    board_id: int
    board_name: str
    author_id: int
    author_name: str
    created_at: datetime
    digest: int
    snippet: Marked  # the text around the first matches, never a hidden or paid part


@dataclass(frozen=True)
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    message: str = ""  # why nothing was searched (an empty query ...), in the reader's language
    more: bool = False  # there were more hits than `total`: only the newest ones are ranked (narrow the search)


class Backend(Protocol):
    name: str

    def search(self, text: str, scope: Scope, *, sort: str, offset: int, limit: int,
               query: Any = None) -> tuple[list[Hit], int]:
        """The hits of one page and the number of all hits (`query`: the text already parsed, when it was)."""
        ...


def readable_board_ids(member) -> frozenset[int]:
    return frozenset(b for b in visible_board_ids(member) if board_access(member, b).can_read)


BACKENDS = {"like": ("luntan.search.backends.like", "LikeBackend"),
            "fts5": ("luntan.search.backends.fts5", "Fts5Backend"),
            "postgres": ("luntan.search.backends.postgres", "PostgresBackend")}
BY_VENDOR = {"sqlite": "fts5", "postgresql": "postgres"}


def backend_named(name: str | None) -> Backend:
    """The backend called `name`; None: the one the settings name (LUNTAN["SEARCH_BACKEND"]), or else the
    database's own (LIKE on a database with no index)."""
    from importlib import import_module

    from django.conf import settings
    from django.db import connection

    if name not in BACKENDS:
        name = settings.LUNTAN.get("SEARCH_BACKEND") or ""
    if name not in BACKENDS:
        name = BY_VENDOR.get(connection.vendor, "like")
    module, cls = BACKENDS[name]
    return getattr(import_module(module), cls)()


def reindex(progress=None) -> int:
    """Rebuilds the whole index (`luntan search reindex`); see luntan.search.index."""
    from luntan.search import index

    return index.reindex(progress)


def search(member, text: str, filters: Filters | None = None, *, sort: str = "relevance", page: int = 1,
           per_page: int = PER_PAGE, backend: str | None = None) -> Results:
    """One page of what `member` may read that matches `text`, best first (or newest first)."""
    text = (text or "").strip()
    if not text:
        return Results(message=_("Type what you are looking for."))
    if len(text) > MAX_QUERY_CHARS:
        return Results(message=_("The search is too long: at most %(n)s characters.") % {"n": MAX_QUERY_CHARS})
    query = None
    engine = backend_named(backend)
    if engine.name != "like":
        from luntan.search.index import dictionary_fresh
        from luntan.search.query import parse

        dictionary_fresh()
        query = parse(text)
        if query.message:
            return Results(message=query.message)
        if not query.groups:
            return Results(message=_("Nothing to look for: type a word or two."))
    filters = filters or Filters()
    allowed = readable_board_ids(member)
    boards = allowed if filters.board_ids is None else allowed & filters.board_ids
    sort = sort if sort in SORTS else "relevance"
    page = max(page, 1)
    hits, total = engine.search(text, Scope(filters, boards), sort=sort, offset=(page - 1) * per_page,
                                limit=per_page, query=query)
    pages = (total + per_page - 1) // per_page
    limit = getattr(engine, "candidates", None)  # how many hits a backend ranks at most
    return Results(hits=hits, total=total, page=page, pages=pages, more=limit is not None and total >= limit)
