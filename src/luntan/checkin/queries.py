"""Reads of 每日签到: each a single query (rankings by an index on the denormalized CheckInRecord)."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from luntan.checkin.models import CheckIn, CheckInDay, CheckInRecord
from luntan.core.paging import Pages, page_count, page_number

SIGNERS_PER_PAGE = 50
RANKING_SIZE = 20


def streak_of(member_ids: Iterable[int], *, today: date | None = None) -> dict[int, tuple[int, int]]:
    """{uid: (current streak, total days)} for each member asked about, (0, 0) for one who never checked
    in; a streak whose last day is before yesterday is broken, so 0. One query."""
    today = today or timezone.localdate()
    ids = list(member_ids)
    found = {uid: (0, 0) for uid in ids}
    for uid, last_day, streak, total in CheckInRecord.objects.filter(member_id__in=ids).values_list(
            "member_id", "last_day", "streak", "total_days"):
        found[uid] = (streak if last_day >= today - timedelta(days=1) else 0, total)
    return found


@dataclass(frozen=True)
class MyFigures:
    streak: int  # current: 0 when broken
    best_streak: int
    total_days: int
    month_days: int  # this month's
    total_reward: int


def my_figures(member, today: date) -> MyFigures:
    record = CheckInRecord.objects.filter(member_id=member.pk).first()
    if record is None:
        return MyFigures(0, 0, 0, 0, 0)
    return MyFigures(
        streak=record.streak if record.last_day >= today - timedelta(days=1) else 0,
        best_streak=record.best_streak, total_days=record.total_days,
        month_days=record.month_days if record.month == today.replace(day=1) else 0,
        total_reward=record.total_reward)


def today_checkin(member, today: date) -> CheckIn | None:
    return CheckIn.objects.filter(member_id=member.pk, day=today).first()


def signers_total(today: date) -> int:
    return CheckInDay.objects.filter(day=today).values_list("count", flat=True).first() or 0


def signers(today: date, *, total: int, page_raw: str | None) -> tuple[list[CheckIn], Pages]:
    """Today's check-ins in rank order (第N个签到), a page of them."""
    pages = page_count(total, SIGNERS_PER_PAGE)
    number = page_number(page_raw, last=pages)
    start = (number - 1) * SIGNERS_PER_PAGE
    rows = list(CheckIn.objects.filter(day=today, rank__gt=start, rank__lte=start + SIGNERS_PER_PAGE)
                .select_related("member").only("rank", "mood", "sentence", "streak", "created_at", "member_id",
                                               "member__username").order_by("rank"))
    return rows, Pages(number=number, count=pages)


def streak_ranking(today: date, *, size: int = RANKING_SIZE) -> list[CheckInRecord]:
    """The longest current streaks (signed today or yesterday)."""
    return list(CheckInRecord.objects.filter(last_day__gte=today - timedelta(days=1))
                .select_related("member").only("streak", "total_days", "last_day", "member__username")
                .order_by("-streak", "last_day", "member_id")[:size])


def total_ranking(*, size: int = RANKING_SIZE) -> list[CheckInRecord]:
    return list(CheckInRecord.objects.select_related("member")
                .only("streak", "total_days", "last_day", "member__username")
                .order_by("-total_days", "member_id")[:size])


@dataclass(frozen=True)
class CalendarDay:
    day: date
    signed: bool
    today: bool
    future: bool


def month_calendar(member, today: date) -> tuple[date, list[list[CalendarDay | None]]]:
    """This month's weeks (Monday first), each day marked if `member` checked in; None outside the month."""
    first = today.replace(day=1)
    signed: set[date] = set()
    if member.is_authenticated:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        signed = set(CheckIn.objects.filter(member_id=member.pk, day__gte=first, day__lte=last)
                     .values_list("day", flat=True))
    weeks = [[CalendarDay(day=d, signed=d in signed, today=d == today, future=d > today) if d.month == first.month
              else None for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    return first, weeks
