"""最新帖子, 精华区 and the feeds: lists of threads across boards, each read with a fixed number of queries
whatever its length, and only ever of threads the reader may see.

Every list keeps to LISTED threads (not deleted, closed, waiting for approval, nor a 已移动 stub) in the
boards `visible_board_ids(reader)` names, through the partial indexes of forum migration 0006; 我的帖子 alone
shows the reader's own closed and waiting threads, with their state."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.fields import DateTimeField, FloatField
from django.db.models.functions import Cast, Power
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.core import localcache, pagecache
from luntan.core.paging import Pages, page_count, page_number
from luntan.forum.models import LISTED, Board, Floor, Thread
from luntan.forum.permissions import ACCESS_SCOPE, board_access, visible_board_ids

# The tabs of 最新帖子, in the order they are shown; the first is the default.
TABS = {
    "new": _("Newest threads"),       # 最新发表
    "reply": _("Latest replies"),     # 最新回复
    "hot": _("Hot"),                  # 热门
    "sofa": _("Grab the sofa"),       # 抢沙发
    "mine": _("My threads"),          # 我的帖子
}
DEFAULT_TAB = "new"
DIGEST_LEVELS = (1, 2, 3)

# A list goes this far back and no further: past it a reader searches. It bounds the count behind the pager
# (COUNT over at most this many index entries) as much as the pages a crawler can walk through.
MAX_LISTED = 1000
FEED_ITEMS = 20

# --- 热门: the heat of a thread ----------------------------------------------------------------------------
#
#   points = 3·replies + 2·mood votes + likes + views / 10
#   heat   = (1 + points) / (hours since it was posted + 2) ^ 1.5
#
# The gravity of Hacker News' ranking: a reply is worth most (it is someone taking part), a mood vote or a
# like a little less, a view little (views are cheap and counted by the tens). The divisor makes a thread's
# heat fall as it ages, faster at first: after a day a thread needs about 25 times the points of an hour-old
# one to stand level with it, after a week about 430 times. So only threads posted in the last HOT_DAYS are
# ranked (older ones could not place anyway), and only those with HOT_MIN_POINTS (Discuz!'s "heat ≥ 3").
#
# Measured on PostgreSQL with 300,000 threads, 30,000 of them in the window (2 shared cores):
# the ranking is one statement over the window's index entries and rows, about 160 ms (in floating point;
# in PostgreSQL's numeric arithmetic it took 1.2 s). So it is not run per request but kept per set of
# visible boards for HOT_SECONDS, as the counters it reads are themselves written in batches (views every
# FLUSH_SECONDS); a page of 热门 then costs one query by primary key (0.1 ms). A stored score refreshed by a
# buffer flusher would instead rewrite every recent thread's row each round, under the writers' row locks,
# to save a statement that runs once every few minutes. The other lists read their partial index: under
# 1 ms for a page, a few ms for the count (at most MAX_LISTED entries).
HOT_DAYS = 7
HOT_MIN_POINTS = 3
HOT_LIMIT = 200  # ten pages
HOT_SECONDS = 300


class HoursSince(Func):
    """Hours from a datetime column to `now`, in the database's own date arithmetic."""

    output_field = FloatField()

    def __init__(self, column: str, now: datetime) -> None:
        super().__init__(F(column), Value(now, output_field=DateTimeField()))

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        then_sql, then_params = compiler.compile(self.source_expressions[0])
        now_sql, now_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":  # EXTRACT gives a numeric: in double precision it is much faster
            return (f"(EXTRACT(EPOCH FROM ({now_sql} - {then_sql}))::double precision / 3600.0)",
                    (*now_params, *then_params))
        # SQLite keeps datetimes as ISO text in UTC, which julianday() reads.
        return f"((julianday({now_sql}) - julianday({then_sql})) * 24.0)", (*now_params, *then_params)


def heat_points():
    # In floating point: PostgreSQL would do numeric (decimal) arithmetic, and its numeric POWER() is slow.
    return Cast(F("reply_count") * 3 + F("mood_count") * 2 + F("like_count"), FloatField()) \
        + Cast(F("view_count"), FloatField()) / 10.0


def heat(now: datetime):
    return (heat_points() + 1.0) / Power(HoursSince("created_at", now) + 2.0, 1.5)


# --- Who sees what ------------------------------------------------------------------------------------------------

def board_set_key(boards: frozenset[int]) -> str:
    """Names a set of boards in a cache key: the lists are the same for every reader who sees the same boards
    (a group's readers), so they are kept under this."""
    return hashlib.blake2b(",".join(map(str, sorted(boards))).encode(), digest_size=6).hexdigest()


def guest_readable_board_ids() -> frozenset[int]:
    """What a feed may show: boards a guest may see and whose threads a guest may read. Worked out once per
    version of the board permissions and kept in memory (each board_access() reads that version)."""
    key = f"latest:guestboards:{pagecache.versions(ACCESS_SCOPE)}"
    found = localcache.fragments.get(key)
    if found is None:
        guest = AnonymousUser()
        found = frozenset(b for b in visible_board_ids(guest) if board_access(guest, b).can_read)
        localcache.fragments.set(key, found, 64 + 8 * len(found))
    return found


def listed(boards: frozenset[int]) -> QuerySet[Thread]:
    return Thread.objects.filter(LISTED, board_id__in=boards)


def _with_row(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    """What a row shows: the thread, its type, board and author, in the same query."""
    return qs.select_related("author", "board", "thread_type").only(
        "id", "title", "highlight", "highlight_bold", "created_at", "last_reply_at", "last_replier_name",
        "reply_count", "view_count", "digest", "sticky", "sticky_until", "is_locked", "is_closed", "is_waiting",
        "last_floor", "author__id", "author__username", "board__id", "board__name", "thread_type__id",
        "thread_type__name", "price")


@dataclass
class ThreadList:
    """A list's page: its number and the page count are known first (the page is kept under them), its rows
    are read by `threads()` only when the page is rendered."""
    pages: Pages
    fetch: Callable[[], list[Thread]]

    def threads(self) -> list[Thread]:
        return self.fetch()


def _paged(qs: QuerySet[Thread], page_raw) -> ThreadList:
    """Two queries whatever the page: the number of threads (at most MAX_LISTED, from the index) now, the
    page's rows when they are asked for."""
    per_page = settings.LUNTAN["THREADS_PER_PAGE"]
    total = qs.order_by()[:MAX_LISTED].count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, per_page)), count=page_count(total, per_page))
    start = (pages.number - 1) * per_page
    return ThreadList(pages=pages, fetch=lambda: list(_with_row(qs)[start:start + per_page]) if total else [])


# --- 最新帖子 ---------------------------------------------------------------------------------------------------

def clean_tab(raw: str | None) -> str | None:
    """The tab asked for; the default for none; None for a name that is no tab."""
    if raw in (None, ""):
        return DEFAULT_TAB
    return raw if raw in TABS else None


def newest(boards: frozenset[int], page_raw) -> ThreadList:
    return _paged(listed(boards).order_by("-created_at", "-id"), page_raw)


def latest_replies(boards: frozenset[int], page_raw) -> ThreadList:
    return _paged(listed(boards).filter(reply_count__gt=0).order_by("-last_reply_at", "-id"), page_raw)


def sofa(boards: frozenset[int], page_raw) -> ThreadList:
    return _paged(listed(boards).filter(reply_count=0).order_by("-created_at", "-id"), page_raw)


def mine(member, page_raw) -> ThreadList:
    """The reader's own threads, newest first, those waiting for approval or closed too (the page says so);
    never deleted ones (the recycle bin's), 已移动 stubs, or threads in boards the reader may no longer see."""
    qs = Thread.objects.filter(author=member, is_deleted=False, moved_to__isnull=True,
                               board_id__in=visible_board_ids(member)).order_by("-created_at", "-id")
    return _paged(qs, page_raw)


def hot_ranking(boards: frozenset[int], *, now: datetime | None = None) -> list[int]:
    """The ids of the hottest threads, hottest first (see the formula above): computed in one statement at
    most every HOT_SECONDS per set of boards, and kept."""
    key = f"latest:hot:{board_set_key(boards)}"
    ids = cache.get(key)
    if ids is None:
        now = now or timezone.now()
        ids = list(listed(boards).filter(created_at__gte=now - timedelta(days=HOT_DAYS))
                   .alias(points=heat_points()).filter(points__gte=HOT_MIN_POINTS)
                   .annotate(heat=heat(now)).order_by("-heat", "-id").values_list("id", flat=True)[:HOT_LIMIT])
        cache.set(key, ids, HOT_SECONDS)
    return ids


def hot(boards: frozenset[int], page_raw) -> ThreadList:
    """A page of the kept ranking: one query by primary key (none when the ranking is empty). A thread
    deleted, closed or moved since the ranking was made drops out of it here."""
    ids = hot_ranking(boards)
    per_page = settings.LUNTAN["THREADS_PER_PAGE"]
    pages = Pages(number=page_number(page_raw, last=page_count(len(ids), per_page)),
                  count=page_count(len(ids), per_page))
    chosen = ids[(pages.number - 1) * per_page:pages.number * per_page]

    def fetch() -> list[Thread]:
        found = {t.pk: t for t in _with_row(listed(boards).filter(pk__in=chosen))} if chosen else {}
        return [found[i] for i in chosen if i in found]

    return ThreadList(pages=pages, fetch=fetch)


def latest_tab(tab: str, boards: frozenset[int], page_raw) -> ThreadList:
    """A page of one of the lists that are the same for every reader who sees `boards` (all tabs but mine)."""
    return {"new": newest, "reply": latest_replies, "hot": hot, "sofa": sofa}[tab](boards, page_raw)


# --- 精华区 -----------------------------------------------------------------------------------------------------

def clean_level(raw: str | None) -> int | None:
    """0 for every level, 1..3 for one, None for anything else."""
    if raw in (None, ""):
        return 0
    text = str(raw).strip()
    return int(text) if text in {"1", "2", "3"} else None


def clean_board(raw: str | None, boards: frozenset[int]) -> int | None:
    """0 for every board, a board's id the reader may see, or None for anything else (missing, hidden, junk:
    the same answer, so a hidden board's id is not told apart from a missing one)."""
    if raw in (None, ""):
        return 0
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text) if int(text) in boards else None


def digest(boards: frozenset[int], page_raw, *, board_id: int = 0, level: int = 0) -> ThreadList:
    """Digest threads across the boards (or one), of every level (or one), the newest first."""
    qs = listed(boards).filter(digest__gt=0)
    if board_id:
        qs = qs.filter(board_id=board_id)
    if level:
        qs = qs.filter(digest=level)
    return _paged(qs.order_by("-created_at", "-id"), page_raw)


def board_choices(boards: frozenset[int]) -> list[tuple[int, str]]:
    """The boards a reader may filter 精华区 by, in the home page's order (one query)."""
    return list(Board.objects.filter(pk__in=boards).order_by("category__order", "category_id", "order", "id")
                .values_list("id", "name"))


# --- Feeds --------------------------------------------------------------------------------------------------------

def feed_threads(qs: QuerySet[Thread]) -> list[Thread]:
    """The newest FEED_ITEMS threads of `qs` with their opening post's cooked HTML, in one query."""
    opening = Floor.objects.filter(thread=OuterRef("pk"), number=1, is_deleted=False, is_waiting=False)
    return list(_with_row(qs).annotate(opening_html=Subquery(opening.values("html")[:1]))
                .order_by("-created_at", "-id")[:FEED_ITEMS])


def feed_latest() -> list[Thread]:
    return feed_threads(listed(guest_readable_board_ids()))


def feed_digest() -> list[Thread]:
    return feed_threads(listed(guest_readable_board_ids()).filter(digest__gt=0))


def feed_board(board: Board) -> list[Thread]:
    return feed_threads(listed(frozenset({board.pk})))


def sticky_now(thread: Thread, now: datetime) -> bool:
    return bool(thread.sticky) and (thread.sticky_until is None or thread.sticky_until > now)

