"""What the two index backends share: the filters and visibility as SQL over the live forum tables, the
ranking lift for newer and digest threads, and hits made from one page of floor ids (snippets in Python).

A search is two queries whatever the number of hits: the index match joined to the floors and threads of
what the searcher may read (ranked, counted with a window function, one page taken), then that page's rows."""

from __future__ import annotations

from datetime import datetime, time

from django.db import connection
from django.utils import timezone

from luntan.forum.models import Floor
from luntan.search import text as searchtext
from luntan.search.api import Hit, Scope
from luntan.search.query import Query, parse

VISIBLE = ("f.is_deleted = %s AND f.is_waiting = %s AND t.is_deleted = %s AND t.is_closed = %s "
           "AND t.is_waiting = %s AND t.moved_to_id IS NULL")
DIGEST_LIFT = 0.3  # each digest level adds 30 % to a hit's score
FRESH_LIFT = 0.5  # a hit of today scores 50 % more, of 30 days ago 25 % more, of a year ago 4 % more
FRESH_DAYS = 30.0
CANDIDATES = 1000  # the newest visible matches ranked; a search finding more says so (Results.more)


def where(scope: Scope) -> tuple[str, list]:
    """The SQL conditions (on f = forum_floor, t = forum_thread) of what may be returned, and their values."""
    f = scope.filters
    boards = sorted(scope.board_ids)
    parts = [VISIBLE, f"t.board_id IN ({', '.join(['%s'] * len(boards))})"]
    params: list = [False] * 5 + boards
    if f.author_id:
        parts.append("f.author_id = %s")
        params.append(f.author_id)
    if f.digest_only:
        parts.append("t.digest > 0")
    zone = timezone.get_current_timezone()
    if f.since:
        parts.append("f.created_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(datetime.combine(f.since, time.min, zone)))
    if f.until:
        parts.append("f.created_at <= %s")
        params.append(connection.ops.adapt_datetimefield_value(datetime.combine(f.until, time.max, zone)))
    return " AND ".join(parts), params


def hits(ids: list[int], query: Query) -> list[Hit]:
    """The page's hits in the order of `ids`, titles and snippets marked."""
    rows = {row[0]: row for row in Floor.objects.filter(pk__in=ids).values_list(
        "pk", "thread_id", "number", "thread__title", "thread__board_id", "thread__board__name", "author_id",
        "author__username", "created_at", "thread__digest", "html")}
    words = query.marked_words
    found = []
    for floor_id in ids:
        if floor_id not in rows:
            continue
        pk, tid, number, title, bid, bname, aid, aname, at, digest, html = rows[floor_id]
        found.append(Hit(floor_id=pk, thread_id=tid, number=number, title=searchtext.mark(title, words),
                         board_id=bid, board_name=bname, author_id=aid, author_name=aname, created_at=at,
                         digest=digest, snippet=searchtext.snippet(searchtext.plain_text(html), words)))
    return found


class IndexedBackend:
    """A search over one of the index tables. A backend gives its SQL (`page_sql`, `count_sql`, with
    {conditions} and {order} to fill in), the values that make its match (`match_values`), a row's age in
    days as SQL (`age_days`) and the direction in which its score puts the best match first."""
    name = ""
    candidates = CANDIDATES
    page_sql = ""
    count_sql = ""
    age_days = ""
    best_first = ""  # " DESC" where a higher score is better

    def match_values(self, query: Query, scope: Scope) -> list:
        raise NotImplementedError

    def search(self, text: str, scope: Scope, *, sort: str, offset: int, limit: int,
               query: Query | None = None) -> tuple[list[Hit], int]:
        query = query or parse(text)
        if query.message or not query.groups or not scope.board_ids:
            return [], 0
        conditions, params = where(scope)
        if sort == "newest":
            order = "at DESC, floor_id DESC"
        else:
            order = (f"score * (1.0 + {DIGEST_LIFT} * digest) * (1.0 + {FRESH_LIFT} * {FRESH_DAYS} / "
                     f"({FRESH_DAYS} + {self.age_days})){self.best_first}, floor_id DESC")
        matched = [*self.match_values(query, scope), *params, self.candidates]
        with connection.cursor() as cursor:
            cursor.execute(self.page_sql.replace("{conditions}", conditions).replace("{order}", order),
                           [*matched, limit, offset])
            rows = cursor.fetchall()
            total = rows[0][1] if rows else 0
            if not rows and offset:  # past the last page: how many there are, so the page can say so
                cursor.execute(self.count_sql.replace("{conditions}", conditions), matched)
                total = cursor.fetchone()[0]
        return hits([r[0] for r in rows], query), total
