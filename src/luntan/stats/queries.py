"""统计排行: the site's figures, rankings and charts. Computing them reads whole tables, so it is done at most
every STATS_MINUTES minutes, with a fixed number of queries whatever the site's size, and the result is
kept in the cache; the page says when it was computed and when it will be again.

What is kept holds no translated word (readers see the page in their own language): rankings carry a
key whose title is looked up when the page is rendered."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BigIntegerField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import Member
from luntan.core import presence
from luntan.credits import config
from luntan.credits.models import Wallet
from luntan.forum import permissions
from luntan.forum.models import Board, Floor, Thread
from luntan.stats.models import OnlinePeak
from luntan.stats.services import PEAK_ID

# The floors that count: neither deleted nor waiting for approval, in a thread that is neither.
COUNTED_FLOORS = {"is_deleted": False, "is_waiting": False, "thread__is_deleted": False, "thread__is_waiting": False}

TOP = 20
CHART_DAYS = 30
PERIODS = ("today", "week", "month", "all")
DEFAULT_PERIOD = "all"
CACHE_VERSION = 1  # bump when what is kept changes shape

TITLES = {
    "credit": _("Richest in %(name)s"),
    "digests": _("Most digest threads"),
    "online": _("Longest online"),
    "streak": _("Longest check-in streak"),
    "period_posts": _("Most posts"),
    "boards_threads": _("Boards with the most threads"),
    "boards_posts": _("Boards with the most posts"),
    "threads_replies": _("Threads with the most replies"),
    "threads_views": _("Most viewed threads"),
}
PERIOD_LABELS = {"today": _("Today"), "week": _("This week"), "month": _("This month"), "all": _("All time")}


def minutes() -> int:
    return max(settings.LUNTAN["STATS_MINUTES"], 1)


def clean_period(raw: str | None) -> str:
    """The period asked for, or the default for anything else (no error for a stray ?period=)."""
    return raw if raw in PERIODS else DEFAULT_PERIOD


@dataclass(frozen=True)
class Row:
    pk: int
    name: str
    value: int


@dataclass(frozen=True)
class Ranking:
    key: str  # in TITLES
    kind: str  # "member", "board" or "thread": what the rows link to
    rows: list[Row]
    unit: str = ""  # a credit type's unit
    name: str = ""  # a credit type's name
    hours: bool = False  # the values are seconds, shown as hours

    @property
    def title(self) -> str:
        return str(TITLES[self.key]) % {"name": self.name}


@dataclass(frozen=True)
class Day:
    day: date
    value: int


@dataclass
class Figures:
    computed_at: datetime
    refresh_at: datetime
    members: int
    threads: int
    posts: int
    today_posts: int
    yesterday_posts: int
    best_day: date | None
    best_day_posts: int
    peak_online: int
    peak_at: datetime | None
    online_now: int
    newest: Row | None
    posts_by_day: list[Day]
    members_over_time: list[Day]  # cumulative
    members_by: str  # "day" or "week"
    checkins_by_day: list[Day] | None  # None without the check-in app
    members_rankings: list[Ranking] = field(default_factory=list)
    boards_rankings: list[Ranking] = field(default_factory=list)
    threads_rankings: list[Ranking] = field(default_factory=list)


@dataclass
class PeriodRankings:
    period: str
    since: date | None
    computed_at: datetime
    rankings: list[Ranking]


def _kept(key: str, compute: Callable[[], Any]) -> Any:
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, minutes() * 60)
    return found


def figures() -> Figures:
    return _kept(f"stats:{CACHE_VERSION}:figures", compute_figures)


def period_rankings(period: str) -> PeriodRankings:
    period = clean_period(period)
    return _kept(f"stats:{CACHE_VERSION}:period:{period}", lambda: compute_period(period))


# --- Computing ----------------------------------------------------------------------------------------------

def _rows(values) -> list[Row]:
    return [Row(pk=pk, name=name or "", value=int(value or 0)) for pk, name, value in values]


def _active_members():
    return Member.objects.filter(is_active=True)


def _credit_rankings() -> list[Ranking]:
    """Each enabled credit type's top members; a member without a wallet has the type's initial value.
    One query per type (at most eight), whatever the number of members."""
    found = []
    for info in config.economy().enabled_types():
        balance = Coalesce(
            Subquery(Wallet.objects.filter(member=OuterRef("pk"), credit_type_id=info.id).values("balance")[:1]),
            Value(info.initial), output_field=BigIntegerField())
        rows = (_active_members().annotate(balance=balance).order_by("-balance", "pk")
                .values_list("pk", "username", "balance")[:TOP])
        found.append(Ranking(key="credit", kind="member", rows=_rows(rows), unit=info.unit, name=info.name))
    return found


def _counter_ranking(key: str, field_name: str, **extra) -> Ranking:
    rows = (_active_members().filter(**{f"{field_name}__gt": 0}).order_by(f"-{field_name}", "pk")
            .values_list("pk", "username", field_name)[:TOP])
    return Ranking(key=key, kind="member", rows=_rows(rows), **extra)


def checkin_models() -> tuple[Any, Any]:
    """The check-in app's per-member record (CheckInRecord: member, streak) and its daily check-ins
    (CheckIn: day), each None when the app, the model or the field is not there."""
    if not apps.is_installed("luntan.checkin"):
        return None, None

    def model_with(name: str, *fields: str):
        try:
            model = apps.get_model("checkin", name)
            for f in fields:
                model._meta.get_field(f)
        except (LookupError, FieldDoesNotExist):
            return None
        return model

    return model_with("CheckInRecord", "member", "streak"), model_with("CheckIn", "day")


def _streak_ranking(record) -> Ranking:
    """The longest current streaks. The record's `streak` may still hold a streak broken since (it is
    written at check-in); the check-in app's streak_of() says what it is today."""
    from luntan.checkin.queries import streak_of

    candidates = list(record.objects.filter(member__is_active=True, streak__gt=0).order_by("-streak", "member_id")
                      .values_list("member_id", "member__username", "streak")[:TOP * 3])
    current = streak_of([pk for pk, _name, _streak in candidates]) if candidates else {}
    candidates = [(pk, name, current.get(pk, (0, 0))[0]) for pk, name, _streak in candidates]
    candidates = sorted((c for c in candidates if c[2]), key=lambda c: (-c[2], c[0]))[:TOP]
    return Ranking(key="streak", kind="member", rows=_rows(candidates))


def _by_day(queryset, field_name: str) -> dict[date, int]:
    """{local day: rows} for a queryset, grouped in the database by the site's days."""
    return {day: n for day, n in queryset.annotate(day=TruncDate(field_name)).values("day")
            .annotate(n=Count("pk")).order_by().values_list("day", "n") if day is not None}


def _last_days(counts: dict[date, int], today: date, days: int = CHART_DAYS) -> list[Day]:
    return [Day(d, counts.get(d, 0)) for d in (today - timedelta(days=days - 1 - i) for i in range(days))]


def _members_over_time(joined: dict[date, int], today: date) -> tuple[list[Day], str]:
    """Members on the register at the end of each day of the last CHART_DAYS days, or of each week (up to a
    year) once the site is older than three months."""
    first = min(joined, default=today)
    by = "week" if (today - first).days > 90 else "day"
    if by == "day":
        ends = [today - timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]
    else:
        weeks = min((today - first).days // 7 + 1, 52)
        ends = [today - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    ordered = sorted(joined.items())
    points, total, i = [], 0, 0
    for end in ends:
        while i < len(ordered) and ordered[i][0] <= end:
            total += ordered[i][1]
            i += 1
        points.append(Day(end, total))
    return points, by


def compute_figures() -> Figures:
    """Everything but the period tabs; about fifteen queries (one more per enabled credit type), the same
    for a site of ten members as for one of a million."""
    now = timezone.now()
    today = timezone.localdate(now)
    online_members, guests = presence.online()
    # The record is written by the buffer flush (luntan.stats.services), never by a page view: a crowd
    # bigger than the record shows as the record here until the next flush writes it.
    peak = OnlinePeak.objects.filter(pk=PEAK_ID).first()
    online_now = len(online_members) + guests
    peak_total, peak_at = (peak.total, peak.at) if peak else (0, None)
    if online_now > peak_total:
        peak_total, peak_at = online_now, now
    # One page for every reader: nothing from a board some group may not see, nothing waiting for approval.
    hidden = permissions.boards_hidden_from_anyone()
    posts_by_day = _by_day(Floor.objects.filter(**COUNTED_FLOORS).exclude(thread__board_id__in=hidden), "created_at")
    joined = _by_day(Member.objects.all(), "date_joined")
    best = max(posts_by_day.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    newest = Member.objects.filter(is_active=True).order_by("-date_joined", "-pk").values_list("pk", "username").first()
    members_over_time, members_by = _members_over_time(joined, today)
    record, checkin = checkin_models()
    checkins = None
    if checkin is not None:
        since = today - timedelta(days=CHART_DAYS - 1)
        checkins = _last_days(dict(checkin.objects.filter(day__gte=since).values("day").annotate(n=Count("pk"))
                                   .order_by().values_list("day", "n")), today)
    members_rankings = [
        *_credit_rankings(),  # (members by posts: the activity tabs, "all time" among them)
        _counter_ranking("digests", "digest_count"),
        _counter_ranking("online", "online_seconds", hours=True),
    ]
    if record is not None:
        members_rankings.append(_streak_ranking(record))
    boards = list(Board.objects.exclude(pk__in=hidden).values_list("pk", "name", "thread_count"))
    shown_threads = Thread.objects.filter(is_deleted=False, is_waiting=False).exclude(board_id__in=hidden)
    threads_by_views = (shown_threads.filter(view_count__gt=0).order_by("-view_count", "-pk")
                        .values_list("pk", "title", "view_count")[:TOP])
    return Figures(
        computed_at=now, refresh_at=now + timedelta(minutes=minutes()),
        members=sum(joined.values()),
        threads=shown_threads.count(),
        posts=sum(posts_by_day.values()),
        today_posts=posts_by_day.get(today, 0),
        yesterday_posts=posts_by_day.get(today - timedelta(days=1), 0),
        best_day=best[0] if best else None, best_day_posts=best[1] if best else 0,
        peak_online=peak_total, peak_at=peak_at,
        online_now=online_now,
        newest=Row(pk=newest[0], name=newest[1], value=0) if newest else None,
        posts_by_day=_last_days(posts_by_day, today),
        members_over_time=members_over_time, members_by=members_by,
        checkins_by_day=checkins,
        members_rankings=members_rankings,
        boards_rankings=[Ranking(key="boards_threads", kind="board", rows=_rows(
            sorted((b for b in boards if b[2]), key=lambda b: (-b[2], b[0]))[:TOP]))],
        threads_rankings=[Ranking(key="threads_views", kind="thread", rows=_rows(threads_by_views))],
    )


def period_start(period: str, now: datetime) -> datetime | None:
    """Where the period begins, at local midnight: today, this week (from Monday), this month; None for all."""
    today = timezone.localdate(now)
    first = {"today": today, "week": today - timedelta(days=today.weekday()), "month": today.replace(day=1)}.get(period)
    if first is None:
        return None
    return timezone.make_aware(datetime.combine(first, datetime.min.time()))


def compute_period(period: str) -> PeriodRankings:
    """Members by posts, threads by replies and boards by posts in the period: three queries. For all time
    the forum's own counters answer; for a period, the floors written in it are counted."""
    now = timezone.now()
    start = period_start(period, now)
    members: Any
    threads: Any
    boards: Any
    hidden = permissions.boards_hidden_from_anyone()
    if start is None:
        members = _active_members().filter(post_count__gt=0).order_by("-post_count", "pk").values_list(
            "pk", "username", "post_count")[:TOP]
        threads = (Thread.objects.filter(is_deleted=False, is_waiting=False, reply_count__gt=0)
                   .exclude(board_id__in=hidden).order_by("-reply_count", "-pk")
                   .values_list("pk", "title", "reply_count")[:TOP])
        boards = (Board.objects.filter(post_count__gt=0).exclude(pk__in=hidden).order_by("-post_count", "pk")
                  .values_list("pk", "name", "post_count")[:TOP])
    else:
        floors = (Floor.objects.filter(created_at__gte=start, **COUNTED_FLOORS)
                  .exclude(thread__board_id__in=hidden).order_by())
        members = (floors.filter(author__is_active=True).values("author_id", "author__username")
                   .annotate(n=Count("pk")).order_by("-n", "author_id")
                   .values_list("author_id", "author__username", "n")[:TOP])
        threads = (floors.filter(number__gt=1).values("thread_id", "thread__title").annotate(n=Count("pk"))
                   .order_by("-n", "-thread_id").values_list("thread_id", "thread__title", "n")[:TOP])
        boards = (floors.values("thread__board_id", "thread__board__name").annotate(n=Count("pk"))
                  .order_by("-n", "thread__board_id").values_list("thread__board_id", "thread__board__name", "n")[:TOP])
    return PeriodRankings(
        period=period, since=timezone.localdate(start) if start else None, computed_at=now,
        rankings=[Ranking(key="period_posts", kind="member", rows=_rows(members)),
                  Ranking(key="threads_replies", kind="thread", rows=_rows(threads)),
                  Ranking(key="boards_posts", kind="board", rows=_rows(boards))],
    )
