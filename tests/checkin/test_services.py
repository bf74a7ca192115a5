"""每日签到's service: streaks, rewards, ranks, and what a refused check-in must not change."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from factories import MemberFactory, group_for

from luntan.accounts.models import MemberGroup
from luntan.checkin import queries, services
from luntan.checkin.models import CheckIn, CheckInRecord, CheckInSettings
from luntan.credits import config
from luntan.credits.models import CreditEntry, Operation, Wallet
from luntan.credits.services import credits_audit

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9, month: int = 6) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, hour, 0))  # noqa: DTZ001 - made aware at once


def money(member) -> int:
    kind = config.economy().by_slot(1)
    return Wallet.objects.filter(member=member, credit_type_id=kind.id).values_list("balance", flat=True).first() or 0


def contribution(member) -> int:
    kind = config.economy().by_slot(3)
    return Wallet.objects.filter(member=member, credit_type_id=kind.id).values_list("balance", flat=True).first() or 0


def test_first_check_in_pays_base_reward_and_first_signer_bonus(member):
    result = services.checkin_sign(member=member, mood="kx", sentence="今天天气不错", now=at(1))
    checkin = result.checkin
    assert (checkin.rank, checkin.streak, checkin.reward, checkin.bonus) == (1, 1, 6, 10)
    # 20 鼎币 initial + 6 + 10, and the admin's check-in rule: 贡献值 +1.
    assert money(member) == 36 == result.balance
    assert contribution(member) == 1
    entries = CreditEntry.objects.filter(member=member, operation=Operation.CHECKIN)
    assert sorted(e.delta for e in entries) == [1, 16]
    assert set(entries.values_list("subject_kind", "subject_id")) == {("checkin", checkin.pk)}
    assert credits_audit() == []


def test_streak_grows_reward_by_three_up_to_thirty_and_resets_after_a_gap(member):
    rewards = []
    for day in range(1, 12):
        rewards.append(services.checkin_sign(member=member, mood="fd", now=at(day)).checkin.reward)
    assert rewards == [6, 9, 12, 15, 18, 21, 24, 27, 30, 30, 30]
    after_gap = services.checkin_sign(member=member, mood="yl", now=at(13)).checkin
    assert (after_gap.streak, after_gap.reward) == (1, 6)
    record = CheckInRecord.objects.get(member=member)
    assert (record.streak, record.best_streak, record.total_days, record.month_days) == (1, 11, 12, 12)
    assert credits_audit() == []


def test_month_days_start_again_in_a_new_month(member):
    services.checkin_sign(member=member, mood="kx", now=at(30, month=6))
    services.checkin_sign(member=member, mood="kx", now=at(1, month=7))
    record = CheckInRecord.objects.get(member=member)
    assert (record.streak, record.total_days, record.month_days) == (2, 2, 1)


def test_the_day_follows_the_site_time_zone(member):
    # 23:30 UTC on 1 June is 07:30 on 2 June in Shanghai.
    late = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    checkin = services.checkin_sign(member=member, mood="kx", now=late).checkin
    assert str(checkin.day) == "2025-06-02"


def test_early_bird_bonus_for_the_first_three_only():
    members = MemberFactory.create_batch(4)
    got = [services.checkin_sign(member=m, mood="kx", now=at(1)).checkin for m in members]
    assert [(c.rank, c.bonus) for c in got] == [(1, 10), (2, 5), (3, 3), (4, 0)]


def test_second_check_in_the_same_day_is_refused_and_changes_nothing(member):
    services.checkin_sign(member=member, mood="kx", now=at(1, 8))
    before = (money(member), CreditEntry.objects.count(), CheckIn.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.checkin_sign(member=member, mood="ng", now=at(1, 20))
    assert refused.value.code == "already"
    assert (money(member), CreditEntry.objects.count(), CheckIn.objects.count()) == before


def test_the_same_form_sent_twice_replays_the_first_result(member):
    first = services.checkin_sign(member=member, mood="kx", submission_key="abc", now=at(1))
    again = services.checkin_sign(member=member, mood="kx", submission_key="abc", now=at(1, 10))
    assert again.replayed and again.checkin.pk == first.checkin.pk
    assert CreditEntry.objects.filter(member=member, operation=Operation.CHECKIN).count() == 2


@pytest.mark.parametrize(("mood", "sentence", "code"), [
    ("", "", "mood"), ("haha", "", "mood"), ("<b>", "", "mood"), ("kx", "字" * 51, "sentence_long"),
])
def test_bad_input_is_refused_and_changes_nothing(member, mood, sentence, code):
    with pytest.raises(ValidationError) as refused:
        services.checkin_sign(member=member, mood=mood, sentence=sentence, now=at(1))
    assert refused.value.code == code
    assert not CheckIn.objects.exists() and not CreditEntry.objects.exists()
    assert not CheckInRecord.objects.exists()


def test_sentence_is_cleaned_to_one_line(member):
    checkin = services.checkin_sign(member=member, mood="kx", sentence="  第一行\n第二行\u200b  ", now=at(1)).checkin
    assert checkin.sentence == "第一行 第二行"


def test_silenced_member_and_closed_check_in_are_refused(member, admin, django_capture_on_commit_callbacks):
    member.group = group_for(MemberGroup.Role.SILENCED)
    member.save()
    with pytest.raises(PermissionDenied):
        services.checkin_sign(member=member, mood="kx", now=at(1))
    other = MemberFactory()
    row = CheckInSettings.objects.get(pk=1)
    row.enabled = False
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_settings_save(by=admin, row=row)
    with pytest.raises(PermissionDenied):
        services.checkin_sign(member=other, mood="kx", now=at(1))
    assert not CheckIn.objects.exists() and not CreditEntry.objects.exists()


def test_reward_in_the_credit_type_the_admin_chose(member, admin, django_capture_on_commit_callbacks):
    row = CheckInSettings.objects.get(pk=1)
    kind = config.economy().by_slot(4)
    row.credit_type_id, row.reward_base, row.bonus_first = kind.id, 2, 0
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_settings_save(by=admin, row=row)
    services.checkin_sign(member=member, mood="kx", now=at(1))
    assert Wallet.objects.get(member=member, credit_type_id=kind.id).balance == 2
    assert money(member) == 0


def test_settings_are_saved_by_administrators_only(member):
    with pytest.raises(PermissionDenied):
        services.checkin_settings_save(by=member, row=CheckInSettings(pk=1, reward_base=100))
    assert CheckInSettings.objects.get(pk=1).reward_base == 6


def test_streak_of_reads_current_streaks_in_one_query(member, other_member, django_assert_num_queries):
    for day in (1, 2, 3):
        services.checkin_sign(member=member, mood="kx", now=at(day))
    services.checkin_sign(member=other_member, mood="kx", now=at(1))
    nobody = MemberFactory()
    with django_assert_num_queries(1):
        found = queries.streak_of([member.pk, other_member.pk, nobody.pk], today=at(4).date())
    assert found == {member.pk: (3, 3), other_member.pk: (0, 1), nobody.pk: (0, 0)}


def test_records_rebuild_from_the_check_ins(member):
    for day in (1, 2, 4, 5, 6):
        services.checkin_sign(member=member, mood="kx", now=at(day))
    expected = CheckInRecord.objects.filter(member=member).values().get()
    CheckInRecord.objects.filter(member=member).update(streak=99, total_days=0, best_streak=0)
    assert services.checkin_records_rebuild() == 1
    assert CheckInRecord.objects.filter(member=member).values().get() == expected


# --- concurrency -----------------------------------------------------------------------------------------

def _race(target, args_list) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(args_list))

    def run(*args):
        try:
            barrier.wait(timeout=10)
            target(*args)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=args) for args in args_list]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_check_ins_by_one_member_give_one():
    member = MemberFactory()
    now = timezone.now()
    errors = _race(lambda: services.checkin_sign(member=member, mood="kx", now=now), [()] * 20)
    assert len(errors) == 19
    assert all(isinstance(e, ValidationError) and e.code == "already" for e in errors), errors
    assert CheckIn.objects.filter(member=member).count() == 1
    kind = config.economy().by_slot(1)
    assert CreditEntry.objects.filter(member=member, operation=Operation.CHECKIN, credit_type_id=kind.id).count() == 1
    assert CheckInRecord.objects.get(member=member).total_days == 1
    assert credits_audit() == []


@pytest.mark.django_db(transaction=True)
def test_many_members_at_once_get_ranks_without_gap_or_repeat():
    members = MemberFactory.create_batch(12)
    now = timezone.now()
    errors = _race(lambda m: services.checkin_sign(member=m, mood="wl", now=now), [(m,) for m in members])
    assert errors == []
    ranks = sorted(CheckIn.objects.filter(day=timezone.localdate(now)).values_list("rank", flat=True))
    assert ranks == list(range(1, 13))
    bonuses = sorted(CheckIn.objects.values_list("bonus", flat=True), reverse=True)
    assert bonuses[:4] == [10, 5, 3, 0]
    assert credits_audit() == []


def test_a_later_day_cannot_be_followed_by_an_earlier_one(member):
    services.checkin_sign(member=member, mood="kx", now=at(5))
    with pytest.raises(ValidationError):
        services.checkin_sign(member=member, mood="kx", now=at(5) - timedelta(days=2))


@pytest.mark.parametrize("first_ever", [True, False])
def test_a_check_in_that_lands_between_the_record_read_and_the_lock_is_counted_in_the_streak(
        member, monkeypatch, first_ever):
    # The record is read before the day's lock: yesterday's check-in (a request sent just before midnight)
    # can commit in between. Today's must then build on it, not on the record it read.
    if not first_ever:
        services.checkin_sign(member=member, mood="kx", now=at(3))
    sign = services._sign
    landed = []

    def yesterday_lands_first(who, **kwargs):
        if not landed:
            landed.append(sign(who, **{**kwargs, "day": at(4).date(), "now": at(4),
                                       "record": CheckInRecord.objects.filter(member=who).first()}))
        return sign(who, **kwargs)

    monkeypatch.setattr(services, "_sign", yesterday_lands_first)
    today = services.checkin_sign(member=member, mood="kx", now=at(5)).checkin
    record = CheckInRecord.objects.get(member=member)
    expected_days = 2 if first_ever else 3
    assert (today.streak, record.streak, record.total_days) == (expected_days, expected_days, expected_days)
    assert CheckIn.objects.filter(member=member).count() == expected_days
    assert credits_audit() == []
