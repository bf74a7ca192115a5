"""Votes and likes: what they count, what they pay through the ledger, and what they refuse."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from factories import MemberFactory
from helpers import clear_cache

from luntan.accounts.groups import rules_for
from luntan.accounts.models import MemberGroup
from luntan.core import localcache
from luntan.credits.models import CreditEntry, Operation
from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.reactions import services
from luntan.reactions.models import FloorLike, Mood, MoodTally, MoodVote


def _tally(thread) -> dict[str, int]:
    return {t.mood.name: t.count for t in MoodTally.objects.filter(thread=thread).select_related("mood") if t.count}


def _ledger(member, operation) -> list[int]:
    return list(CreditEntry.objects.filter(member=member, operation=operation).order_by("id")
                .values_list("delta", flat=True))


def test_a_vote_pays_author_and_voter_and_is_counted(thread, member, other_member, moods, balance):
    result = services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    assert result.changed and result.previous is None
    thread.refresh_from_db()
    assert thread.mood_count == 1 and _tally(thread) == {"精彩": 1}
    assert balance(member, "好评度") == 1 and balance(other_member, "贡献值") == 1
    assert _ledger(member, Operation.MOOD_RECEIVED) == [1]
    assert _ledger(other_member, Operation.MOOD_GIVEN) == [1]


def test_changing_the_mood_takes_back_the_old_effects_and_applies_the_new(thread, member, other_member, moods,
                                                                          balance, give):
    give(member, "好评度", 5)
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    assert balance(member, "好评度") == 6
    result = services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["灌水"].pk)
    assert result.changed and result.previous == moods["精彩"].pk
    thread.refresh_from_db()
    assert thread.mood_count == 1 and _tally(thread) == {"灌水": 1}
    # 5 + 1 (精彩), -1 (taken back), -2 (灌水)
    assert balance(member, "好评度") == 3
    assert _ledger(member, Operation.MOOD_RECEIVED) == [1, -1, -2]
    assert balance(other_member, "贡献值") == 0 and _ledger(other_member, Operation.MOOD_GIVEN) == [1, -1]
    assert MoodVote.objects.get().mood.name == "灌水"


def test_a_cost_to_the_author_stops_at_the_lower_limit_and_is_given_back_exactly(thread, member, other_member,
                                                                                moods, balance):
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["灌水"].pk)
    assert balance(member, "好评度") == 0 and _ledger(member, Operation.MOOD_RECEIVED) == []
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["开心"].pk)
    assert balance(member, "好评度") == 1  # nothing was taken, so nothing is given back


def test_giving_the_same_mood_again_changes_nothing(thread, member, other_member, moods):
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    entries = CreditEntry.objects.count()
    result = services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    assert not result.changed and CreditEntry.objects.count() == entries
    thread.refresh_from_db()
    assert thread.mood_count == 1 and _tally(thread) == {"精彩": 1}


def test_one_may_not_rate_ones_own_thread(thread, member, moods):
    with pytest.raises(PermissionDenied, match="own thread|自己"):
        services.mood_vote(member=member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    thread.refresh_from_db()
    assert thread.mood_count == 0 and not MoodVote.objects.exists() and not CreditEntry.objects.filter(
        operation__in=[Operation.MOOD_RECEIVED, Operation.MOOD_GIVEN]).exists()


@pytest.mark.parametrize("bad", [0, 999999, "disabled"])
def test_an_unknown_or_disabled_mood_is_refused(thread, other_member, moods, bad):
    if bad == "disabled":
        services.config.all_moods()  # kept, then changed
        Mood.objects.filter(pk=moods["无聊"].pk).update(enabled=False)
        _forget_tables()
        bad = moods["无聊"].pk
    with pytest.raises(ValidationError):
        services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=bad)
    assert not MoodVote.objects.exists()


def test_a_missing_or_deleted_thread_cannot_be_rated(thread, other_member, moods, moderator):
    with pytest.raises(ValidationError):
        services.mood_vote(member=other_member, thread_id=thread.pk + 100, mood_id=moods["精彩"].pk)
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    with pytest.raises(PermissionDenied):
        services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["精彩"].pk)
    assert not MoodVote.objects.exists()


def _forget_tables() -> None:
    """A table changed behind the services' back: the kept copies go (the services bump after commit)."""
    clear_cache()
    localcache.fragments.clear()


def _limit(member, votes: int) -> None:
    MemberGroup.objects.filter(pk=rules_for(member).group_id).update(daily_mood_votes=votes)
    _forget_tables()


def test_the_daily_limit_of_the_group_counts_todays_votes(make_thread, member, other_member, moods):
    _limit(other_member, 2)
    threads = [make_thread(title=f"第{i}帖") for i in range(3)]
    for t in threads[:2]:
        services.mood_vote(member=other_member, thread_id=t.pk, mood_id=moods["搞笑"].pk)
    # Changing today's vote is not another vote.
    services.mood_vote(member=other_member, thread_id=threads[0].pk, mood_id=moods["感动"].pk)
    with pytest.raises(ValidationError, match="2"):
        services.mood_vote(member=other_member, thread_id=threads[2].pk, mood_id=moods["搞笑"].pk)
    assert not MoodVote.objects.filter(thread=threads[2]).exists()
    threads[2].refresh_from_db()
    assert threads[2].mood_count == 0
    # Yesterday's votes do not count today.
    MoodVote.objects.update(voted_at=timezone.now() - timedelta(days=1))
    services.mood_vote(member=other_member, thread_id=threads[2].pk, mood_id=moods["搞笑"].pk)


def test_a_group_without_mood_votes_may_not_vote(thread, other_member, moods):
    _limit(other_member, 0)
    with pytest.raises(PermissionDenied):
        services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["搞笑"].pk)


# --- Likes -------------------------------------------------------------------------------------------------

def _first_floor(thread) -> Floor:
    return Floor.objects.get(thread=thread, number=1)


def test_a_like_counts_on_floor_and_thread_and_rewards_the_author(thread, member, other_member, balance):
    floor = _first_floor(thread)
    result = services.floor_like(member=other_member, floor_id=floor.pk)
    assert result.liked and result.changed and result.count == 1
    floor.refresh_from_db()
    thread.refresh_from_db()
    assert floor.like_count == 1 and thread.like_count == 1
    assert balance(member, "好评度") == 1 and _ledger(member, Operation.LIKE_RECEIVED) == [1]


def test_taking_a_like_back_takes_the_reward_back(thread, member, other_member, balance):
    floor = _first_floor(thread)
    services.floor_like(member=other_member, floor_id=floor.pk)
    result = services.floor_like(member=other_member, floor_id=floor.pk, like=False)
    assert not result.liked and result.changed and result.count == 0
    floor.refresh_from_db()
    thread.refresh_from_db()
    assert floor.like_count == 0 and thread.like_count == 0 and not FloorLike.objects.exists()
    assert balance(member, "好评度") == 0 and _ledger(member, Operation.LIKE_RECEIVED) == [1, -1]


def test_a_second_like_or_a_second_take_back_changes_nothing(thread, member, other_member):
    floor = _first_floor(thread)
    services.floor_like(member=other_member, floor_id=floor.pk)
    assert not services.floor_like(member=other_member, floor_id=floor.pk).changed
    services.floor_like(member=other_member, floor_id=floor.pk, like=False)
    assert not services.floor_like(member=other_member, floor_id=floor.pk, like=False).changed
    floor.refresh_from_db()
    assert floor.like_count == 0 and _ledger(member, Operation.LIKE_RECEIVED) == [1, -1]


def test_one_may_not_like_ones_own_floor(thread, member):
    floor = _first_floor(thread)
    with pytest.raises(PermissionDenied):
        services.floor_like(member=member, floor_id=floor.pk)
    floor.refresh_from_db()
    assert floor.like_count == 0 and not CreditEntry.objects.filter(operation=Operation.LIKE_RECEIVED).exists()


def test_a_deleted_floor_or_a_missing_one_cannot_be_liked(make_thread, member, other_member):
    thread = make_thread(replies=1)
    reply = Floor.objects.get(thread=thread, number=2)
    forum.floor_delete(member=member, floor=reply)
    with pytest.raises(PermissionDenied):
        services.floor_like(member=other_member, floor_id=reply.pk)
    with pytest.raises(ValidationError):
        services.floor_like(member=other_member, floor_id=reply.pk + 1000)
    assert not FloorLike.objects.exists()


def test_recount_rebuilds_the_counters_from_the_rows(make_thread, other_member, moods):
    thread = make_thread(replies=1)
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["开心"].pk)
    services.floor_like(member=other_member, floor_id=_first_floor(thread).pk)
    Thread.objects.filter(pk=thread.pk).update(mood_count=7, like_count=9)
    Floor.objects.filter(thread=thread).update(like_count=3)
    MoodTally.objects.update(count=5)
    services.reactions_recount(thread_id=thread.pk)
    thread.refresh_from_db()
    assert (thread.mood_count, thread.like_count) == (1, 1) and _tally(thread) == {"开心": 1}
    assert sorted(Floor.objects.filter(thread=thread).values_list("number", "like_count")) == [(1, 1), (2, 0)]


# --- Concurrency ---------------------------------------------------------------------------------------------

def _run_all(work, members) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(member):
        try:
            work(member)
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(m,)) for m in members]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_and_changes_count_exactly(make_thread, member, balance):
    thread = make_thread()
    voters = MemberFactory.create_batch(6)
    names = {m.name: m.pk for m in Mood.objects.all()}

    def vote(voter):
        services.mood_vote(member=voter, thread_id=thread.pk, mood_id=names["精彩"])
        services.mood_vote(member=voter, thread_id=thread.pk, mood_id=names["搞笑"])

    assert _run_all(vote, voters) == []
    thread.refresh_from_db()
    assert thread.mood_count == 6 and _tally(thread) == {"搞笑": 6}
    assert balance(member, "好评度") == 6
    assert sum(_ledger(member, Operation.MOOD_RECEIVED)) == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_count_exactly(make_thread, member, balance):
    thread = make_thread()
    floor = _first_floor(thread)
    fans = MemberFactory.create_batch(6)

    def like(fan):
        services.floor_like(member=fan, floor_id=floor.pk)
        services.floor_like(member=fan, floor_id=floor.pk)  # a double click

    assert _run_all(like, fans) == []
    floor.refresh_from_db()
    thread.refresh_from_db()
    assert floor.like_count == 6 and thread.like_count == 6 and FloorLike.objects.count() == 6
    assert balance(member, "好评度") == 6  # the classic rule: 20 a day
