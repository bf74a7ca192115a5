"""The poll's rules (what a member may make), the vote (once, within the maximum, only while open) and the
recount."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from factories import MemberFactory

from luntan.forum.models import Thread
from luntan.polls import services
from luntan.polls.models import Poll, PollBallot, PollChoice, PollOption
from luntan.protection import words
from luntan.protection.models import WatchedWord

pytestmark = pytest.mark.django_db  # the options are screened against the watched words


def _ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))


def _spec(**changes):
    args = {"options": ["甲", "乙"], "multiple": False, "max_choices": None, "ends_at": None,
            "results_after_vote": False, "public_voters": False, **changes}
    return services.clean_poll(**args)


@pytest.mark.parametrize(("changes", "code"), [
    ({"options": ["只有一个"]}, "poll_options"),
    ({"options": [f"选项{i}" for i in range(21)]}, "poll_options"),
    ({"options": ["甲", "", "乙"]}, "poll_options"),
    ({"options": ["甲", "  \u200b "]}, "poll_options"),
    ({"options": ["甲", "乙", "甲"]}, "poll_options"),
    ({"options": ["Yes", "yes"]}, "poll_options"),
    ({"options": ["甲", "长" * 81]}, "poll_options"),
    ({"multiple": True, "max_choices": 3}, "poll_max"),
    ({"multiple": True, "max_choices": 0}, "poll_max"),
    ({"ends_at": timezone.now() - dt.timedelta(minutes=1)}, "poll_end"),
])
def test_bad_polls_are_refused_with_a_code_naming_the_field(changes, code):
    with pytest.raises(ValidationError) as caught:
        _spec(**changes)
    assert caught.value.code == code


def test_a_good_poll_is_cleaned():
    spec = _spec(options=[" 甲 ", "乙\t乙"] + [f"选项{i}" for i in range(18)], multiple=True, max_choices=None)
    assert len(spec.options) == 20 and spec.options[:2] == ["甲", "乙 乙"]
    assert spec.max_choices == 20  # no maximum given: every option
    assert _spec(multiple=False, max_choices=2).max_choices == 1  # single choice: one


def test_an_option_with_a_watched_word_is_refused_or_starred(admin):
    words.word_save(by=admin, word=WatchedWord(word="赌博网站", action=WatchedWord.Action.BLOCK))
    words.word_save(by=admin, word=WatchedWord(word="脑残", action=WatchedWord.Action.REPLACE))
    with pytest.raises(ValidationError) as caught:
        _spec(options=["甲", "赌 博 网 站"])
    assert caught.value.code == "watched_word"
    assert _spec(options=["甲", "你个脑残"]).options == ["甲", "你个***"]


@pytest.mark.parametrize("raw", ["明天", "2026-13-01", "31/12/2026x", "2026-12-31 25:00"])
def test_an_unreadable_end_is_refused(raw):
    with pytest.raises(ValidationError) as caught:
        services.parse_end(raw)
    assert caught.value.code == "poll_end"


def test_an_end_date_alone_means_the_end_of_that_day():
    end = timezone.localtime(services.parse_end("2030-05-01"))
    assert (end.date(), end.hour, end.minute) == (dt.date(2030, 5, 1), 23, 59)
    assert timezone.localtime(services.parse_end("2030-05-01T18:30")).hour == 18
    assert services.parse_end("  ") is None


def test_a_poll_is_made_with_its_thread(make_poll):
    poll = make_poll(options=["好看", "一般"], multiple=True, max_choices=2, public_voters=True)
    assert list(poll.options.values_list("text", flat=True)) == ["好看", "一般"]
    assert (poll.multiple, poll.max_choices, poll.public_voters, poll.voter_count) == (True, 2, True, 0)


def test_a_single_choice_vote_is_counted_once(poll, other_member):
    first = _ids(poll)[0]
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[first])
    poll.refresh_from_db()
    assert poll.voter_count == 1
    assert dict(poll.options.values_list("pk", "vote_count"))[first] == 1
    with pytest.raises(ValidationError) as caught:
        services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[1]])
    assert caught.value.code == "voted"
    poll.refresh_from_db()
    assert poll.voter_count == 1 and PollChoice.objects.count() == 1
    assert sum(poll.options.values_list("vote_count", flat=True)) == 1


def test_a_single_choice_poll_takes_one_option_only(poll, other_member):
    with pytest.raises(ValidationError) as caught:
        services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=_ids(poll)[:2])
    assert caught.value.code == "too_many"
    assert not PollBallot.objects.exists()


def test_a_multiple_choice_vote_counts_each_option_within_the_maximum(make_poll, other_member, member):
    poll = make_poll(options=["北京", "上海", "广州", "深圳"], multiple=True, max_choices=2)
    ids = _ids(poll)
    with pytest.raises(ValidationError):
        services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=ids[:3])
    assert not PollBallot.objects.exists() and set(PollOption.objects.values_list("vote_count", flat=True)) == {0}
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[ids[0], ids[2], ids[0]])
    services.poll_vote(member=member, poll_id=poll.pk, option_ids=[ids[0]])
    poll.refresh_from_db()
    assert poll.voter_count == 2
    assert list(poll.options.values_list("vote_count", flat=True)) == [2, 0, 1, 0]


def test_an_option_of_another_poll_or_none_is_refused(make_poll, other_member):
    one, two = make_poll(), make_poll()
    for wanted in ([_ids(two)[0]], [], [999999]):
        with pytest.raises(ValidationError):
            services.poll_vote(member=other_member, poll_id=one.pk, option_ids=wanted)
    assert not PollBallot.objects.exists()


@pytest.mark.parametrize("state", ["is_locked", "is_closed", "is_deleted", "ended"])
def test_no_vote_on_a_closed_thread_or_after_the_end(poll, other_member, state):
    if state == "ended":
        Poll.objects.filter(pk=poll.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        Thread.objects.filter(pk=poll.thread_id).update(**{state: True})
    with pytest.raises(PermissionDenied):
        services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[0]])
    poll.refresh_from_db()
    assert poll.voter_count == 0 and not PollBallot.objects.exists()


def test_a_guest_cannot_vote(poll):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.poll_vote(member=AnonymousUser(), poll_id=poll.pk, option_ids=[_ids(poll)[0]])


def test_the_recount_rebuilds_the_numbers_from_the_ballots(poll, other_member):
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[1]])
    PollOption.objects.filter(poll=poll).update(vote_count=7)
    Poll.objects.filter(pk=poll.pk).update(voter_count=9)
    poll = services.poll_recount(poll_id=poll.pk)
    assert poll.voter_count == 1
    assert list(poll.options.values_list("vote_count", flat=True)) == [0, 1, 0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_are_counted_once(make_poll):
    poll = make_poll(options=["甲", "乙", "丙"], multiple=True, max_choices=2)
    ids = _ids(poll)
    voters = MemberFactory.create_batch(3)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def vote(member):
        try:
            start.wait(timeout=10)
            services.poll_vote(member=member, poll_id=poll.pk, option_ids=ids[:2])
            outcomes.append("counted")
        except ValidationError as error:
            outcomes.append(error.code or "")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=vote, args=(m,)) for m in voters for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert sorted(outcomes) == ["counted"] * 3 + ["voted"] * 3
    poll.refresh_from_db()
    assert poll.voter_count == 3 == PollBallot.objects.filter(poll=poll).count()
    assert list(poll.options.values_list("vote_count", flat=True)) == [3, 3, 0]
