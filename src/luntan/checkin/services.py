"""Writes of 每日签到. A check-in takes the day's next rank under a lock on the day's counter row
(select_for_update on PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers), and
the unique constraints (member, day) and (day, rank) are the last line of defence: one check-in and one
reward per member per day, ranks 1..N without gap or repeat, however many requests race.

Lock order: the day's counter, then the member rows (credit_apply locks those)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts import groups
from luntan.accounts.models import Member, MemberGroup
from luntan.checkin import moods
from luntan.checkin.models import CheckIn, CheckInDay, CheckInRecord, CheckInSettings
from luntan.core import pagecache
from luntan.core.text import clean_line
from luntan.credits import config
from luntan.credits.models import Operation, Wallet
from luntan.credits.services import Change, credit_apply, lock_members, rule_changes
from luntan.medals.services import medals_award_earned
from luntan.protection import words

SUBJECT = "checkin"
NOT_ALLOWED_ROLES = (MemberGroup.Role.SILENCED, MemberGroup.Role.GUEST)


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    credit_type: config.TypeInfo | None
    balance: int | None  # the member's balance of the reward's type just after
    replayed: bool = False  # the same form sent again: nothing new was done


SCOPE = "checkin"


def _read_settings() -> CheckInSettings:
    return CheckInSettings.objects.filter(pk=1).first() or CheckInSettings(pk=1)


def settings_row() -> CheckInSettings:
    """The settings as every request reads them: kept in memory until the admin saves them."""
    return pagecache.kept_table(SCOPE, _read_settings, size=2048, name="settings")


def reward_type(row: CheckInSettings) -> config.TypeInfo | None:
    """The credit type the reward is paid in: the admin's choice, else slot 1 (财富); None if disabled."""
    econ = config.economy()
    kind = econ.types.get(row.credit_type_id) if row.credit_type_id else econ.by_slot(1)
    return kind if kind is not None and kind.enabled else None


# --- checks ------------------------------------------------------------------------------------------------

def check_can_check_in(member, row: CheckInSettings | None = None) -> None:
    """Raises PermissionDenied if `member` may not check in at all (today or ever)."""
    row = row or settings_row()
    if not (member.is_authenticated and member.is_active):
        raise PermissionDenied(_("Log in to check in."))
    if not row.enabled:
        raise PermissionDenied(_("Daily check-in is closed at present."))
    if groups.rules_for(member).role in NOT_ALLOWED_ROLES:
        raise PermissionDenied(_("Your member group may not check in."))


def clean_mood(code: str) -> str:
    if moods.mood(code or "") is None:
        raise ValidationError(_("Pick one of the moods shown."), code="mood")
    return code


def clean_sentence(raw: str, row: CheckInSettings) -> str:
    text = clean_line(raw or "")
    if len(text) > row.sentence_max_chars:
        raise ValidationError(
            _("Your sentence is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(text), "max": row.sentence_max_chars}, code="sentence_long")
    return text


def _already() -> ValidationError:
    return ValidationError(_("You have already checked in today. Come back tomorrow!"), code="already")


# --- the check-in ----------------------------------------------------------------------------------------

def checkin_sign(*, member, mood: str, sentence: str = "", submission_key: str | None = None,
                 now: datetime | None = None) -> CheckInResult:
    """Checks `member` in for the local day of `now` (default: now) with a mood and an optional sentence,
    and pays the reward (by streak, plus the early-bird bonus) and the admin's check-in rule in the same
    transaction. A form sent twice (same submission key) replays the first result."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    row = settings_row()
    check_can_check_in(member, row)
    key = (submission_key or "")[:64]
    code, text = clean_mood(mood), clean_sentence(sentence, row)
    text = clean_sentence(words.check_line(text, where=words.SENTENCE, member=member), row)  # 敏感词, stars counted
    kind = reward_type(row)
    # The member's record is read before the day's lock, which every check-in of the midnight rush queues for;
    # only this member's own check-ins change it, and the unique (member, day) refuses a twin. The update
    # below checks it is still the record read, and a check-in on another day that came between is done again.
    record = CheckInRecord.objects.filter(member=member).first()
    try:
        try:
            return _sign(member, day=day, now=now, row=row, kind=kind, code=code, text=text, key=key,
                         record=record)
        except _RecordMoved:
            return _sign(member, day=day, now=now, row=row, kind=kind, code=code, text=text, key=key,
                         record=CheckInRecord.objects.filter(member=member).first())
    except IntegrityError as error:
        # Only a twin request that slipped past the lock could get here; the constraint refused it.
        if CheckIn.objects.filter(member=member, day=day).exists():
            raise _already() from error
        raise
    except ValidationError as error:
        replay = CheckIn.objects.filter(member=member, day=day, submission_key=key).first() if (
            key and error.code == "already") else None
        if replay is None:
            raise
        return _result(replay, replayed=True)


class _RecordMoved(Exception):
    """The member's record changed between its read and the day's lock: the check-in is rolled back."""


def _sign(member, *, day: date, now: datetime, row: CheckInSettings, kind, code: str, text: str, key: str,
          record: CheckInRecord | None) -> CheckInResult:
    if record is not None and record.last_day == day:
        raise _already()
    if record is not None and record.last_day > day:
        raise ValidationError(_("You have already checked in on a later day."), code="later")
    streak = record.streak + 1 if record is not None and record.last_day == day - timedelta(days=1) else 1
    with transaction.atomic():
        rank = _next_rank(day)  # takes the day's lock until the end of the transaction
        reward, bonus = (row.reward_for(streak), row.bonus_for(rank)) if kind is not None else (0, 0)
        checkin = CheckIn.objects.create(
            member=member, day=day, rank=rank, mood=code, sentence=text, streak=streak, reward=reward,
            bonus=bonus, credit_type_id=kind.id if kind is not None else None, submission_key=key,
            created_at=now)
        record = _record_save(record, member=member, day=day, streak=streak, earned=reward + bonus)
        # The streak's reward and the admin's check-in rule, in one change of the ledger.
        locked = lock_members([member.pk])
        changes = [Change(member.pk, kind.id, reward + bonus)] if kind is not None else []
        changes += rule_changes(member_id=member.pk, action=Operation.CHECKIN, now=now)
        paid = credit_apply(changes=changes, operation=Operation.CHECKIN, subject_kind=SUBJECT,
                            subject_id=checkin.pk, now=now, locked=locked)
        balance = next((e.balance_after for e in paid if kind is not None and e.credit_type_id == kind.id), None)
        medals_award_earned(member_id=member.pk, figures={"checkin_streak": record.streak,
                                                         "checkin_days": record.total_days})
    if balance is None:
        return _result(checkin)
    return CheckInResult(checkin=checkin, credit_type=kind, balance=balance)


def _next_rank(day: date) -> int:
    """The day's next rank: its counter raised by one in one statement, which also takes the day's lock (the
    row on PostgreSQL, the database's write lock on SQLite) so that no two check-ins get the same rank. One
    statement instead of three inside the lock that every check-in of the midnight rush waits for."""
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: no RETURNING
        CheckInDay.objects.bulk_create([CheckInDay(day=day)], ignore_conflicts=True)
        rank = CheckInDay.objects.select_for_update().get(day=day).count + 1
        CheckInDay.objects.filter(day=day).update(count=rank)
        return rank
    qn = connection.ops.quote_name
    table, count = qn(CheckInDay._meta.db_table), qn("count")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({qn('day')}, {count}) VALUES (%s, 1) "  # noqa: S608 - our names
                       f"ON CONFLICT ({qn('day')}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
                       [connection.ops.adapt_datefield_value(day)])
        return cursor.fetchone()[0]


def _record_save(record: CheckInRecord | None, *, member: Member, day: date, streak: int,
                 earned: int) -> CheckInRecord:
    """Writes the record as read before the lock, moved on by this check-in; _RecordMoved if it changed."""
    month = day.replace(day=1)
    if record is None:
        # A twin first check-in fails on the unique (member, day) before it gets here; another day's first
        # check-in that came between fails on the record's key, and the whole transaction is rolled back.
        try:
            return CheckInRecord.objects.create(member=member, last_day=day, streak=1, best_streak=1,
                                                total_days=1, month=month, month_days=1, total_reward=earned)
        except IntegrityError as error:
            raise _RecordMoved from error
    read = (record.last_day, record.total_days)
    record.month_days = record.month_days + 1 if record.month == month else 1
    record.month = month
    record.last_day = day
    record.streak = streak
    record.best_streak = max(record.best_streak, streak)
    record.total_days += 1
    record.total_reward += earned
    if not CheckInRecord.objects.filter(pk=record.pk, last_day=read[0], total_days=read[1]).update(
            last_day=day, streak=streak, best_streak=record.best_streak, total_days=record.total_days,
            month=month, month_days=record.month_days, total_reward=record.total_reward):
        raise _RecordMoved
    return record


def _result(checkin: CheckIn, *, replayed: bool = False) -> CheckInResult:
    kind = config.credit_types().get(checkin.credit_type_id) if checkin.credit_type_id else None
    balance = None
    if kind is not None:
        balance = Wallet.objects.filter(member_id=checkin.member_id, credit_type_id=kind.id).values_list(
            "balance", flat=True).first()
        balance = kind.initial if balance is None else balance
    return CheckInResult(checkin=checkin, credit_type=kind, balance=balance, replayed=replayed)


# --- administration ----------------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the check-in settings."))


def checkin_settings_save(*, by, row: CheckInSettings) -> CheckInSettings:
    _check_admin(by)
    if row.reward_max < row.reward_base:
        raise ValidationError(_("The highest daily reward cannot be below the first day's reward."),
                              code="reward_max")
    if not 1 <= row.sentence_max_chars <= 200:
        raise ValidationError(_("The longest sentence must be 1 to 200 characters."), code="sentence_max")
    with transaction.atomic():
        row.pk = 1
        row.save()
        pagecache.bump(SCOPE)
    return row


def checkin_records_rebuild(*, member_ids: list[int] | None = None) -> int:
    """Recomputes the members' CheckInRecord from their check-ins (the rows are the truth); returns how
    many records changed."""
    checkins = CheckIn.objects.all()
    if member_ids is not None:
        checkins = checkins.filter(member_id__in=member_ids)
    changed = 0
    by_member: dict[int, list[tuple[date, int]]] = {}
    for member_id, day, earned in checkins.order_by("member_id", "day").values_list("member_id", "day", "reward"):
        by_member.setdefault(member_id, []).append((day, earned))
    bonuses = dict(checkins.values("member_id").annotate(b=Sum("bonus")).values_list("member_id", "b"))
    with transaction.atomic():
        for member_id, days in by_member.items():
            streak = best = 0
            previous = None
            for day, _earned in days:
                streak = streak + 1 if previous is not None and day == previous + timedelta(days=1) else 1
                best = max(best, streak)
                previous = day
            last = days[-1][0]
            last_month = last.replace(day=1)
            figures = {"last_day": last, "streak": streak, "best_streak": best, "total_days": len(days),
                       "month": last_month, "month_days": sum(1 for d, _ in days if d.replace(day=1) == last_month),
                       "total_reward": sum(e for _, e in days) + (bonuses.get(member_id) or 0)}
            record = CheckInRecord.objects.filter(member_id=member_id).first()
            if record is None or any(getattr(record, k) != v for k, v in figures.items()):
                CheckInRecord.objects.update_or_create(member_id=member_id, defaults=figures)
                changed += 1
        if member_ids is None:
            for day, top in checkins.values("day").annotate(top=Max("rank")).values_list("day", "top"):
                CheckInDay.objects.update_or_create(day=day, defaults={"count": top})
    return changed
