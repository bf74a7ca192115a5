"""Grouped notices when a like is taken back or a mood changed: the one who took theirs back leaves the
notice (its names, its count); with nobody left the notice goes and the unread count with it. Taking back and
giving again is no news: it never makes the notice unread again nor counts twice."""

import pytest
from factories import MemberFactory

from luntan.notices import services
from luntan.notices.models import Notice
from luntan.reactions import services as reactions
from luntan.reactions.models import Mood

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_move_at_once(monkeypatch):
    from luntan.core import pagecache
    from luntan.core.pagecache import bump_now

    monkeypatch.setattr(pagecache, "bump", bump_now)


def unread(member) -> int:
    member.refresh_from_db()
    return member.unread_notices


def shown(member, kind) -> list[Notice]:
    return list(Notice.shown.filter(member=member, kind=kind))


def page(client) -> str:
    return client.get("/notifications/").content.decode()


@pytest.fixture
def floor1(thread):
    return thread.floors.get(number=1)


def like(member, floor, yes=True):
    return reactions.floor_like(member=member, floor_id=floor.pk, like=yes)


def test_an_unlike_takes_the_liker_out_of_the_notice(floor1, member, member_client):
    first, second, third = (MemberFactory() for _ in range(3))
    for liker in (first, second, third):
        like(liker, floor1)
    like(third, floor1, yes=False)
    notice = shown(member, "like")[0]
    assert notice.count == 2 and notice.names == [second.username, first.username]
    assert third.username not in notice.text and "2" in notice.text
    assert third.username not in page(member_client) and second.username in page(member_client)
    assert unread(member) == 1
    like(second, floor1, yes=False)
    notice = shown(member, "like")[0]
    assert (notice.count, notice.names) == (1, [first.username])
    assert first.username in notice.text and second.username not in notice.text


def test_when_everyone_takes_their_like_back_the_notice_goes_and_the_count_drops(floor1, member, member_client):
    liker = MemberFactory()
    like(liker, floor1)
    assert unread(member) == 1 and len(shown(member, "like")) == 1
    like(liker, floor1, yes=False)
    assert unread(member) == 0 and shown(member, "like") == []
    assert liker.username not in page(member_client)
    assert services.notices_recount(member_id=member.pk) == 0  # the count is what the notices say


def test_a_read_notice_emptied_leaves_the_unread_count_alone(floor1, member):
    liker = MemberFactory()
    services.notify(member_id=member.pk, kind="test", text="另一条")
    like(liker, floor1)
    services.notices_mark_read(member=member, notice_ids=[shown(member, "like")[0].pk])
    assert unread(member) == 1
    like(liker, floor1, yes=False)
    assert unread(member) == 1 and shown(member, "like") == []


@pytest.mark.parametrize("read_between", [False, True], ids=["unread", "read"])
def test_like_unlike_like_never_tells_twice(floor1, member, read_between):
    liker = MemberFactory()
    like(liker, floor1)
    if read_between:
        services.notices_mark_read(member=member)
    for _ in range(3):
        like(liker, floor1, yes=False)
        like(liker, floor1)
    found = shown(member, "like")
    assert len(found) == 1 and found[0].count == 1 and found[0].names == [liker.username]
    assert unread(member) == (0 if read_between else 1)
    assert (found[0].read_at is not None) == read_between
    assert services.notices_recount(member_id=member.pk) == unread(member)


def test_a_new_liker_after_a_toggle_is_news_again(floor1, member):
    liker, newcomer = MemberFactory(), MemberFactory()
    like(liker, floor1)
    services.notices_mark_read(member=member)
    like(liker, floor1, yes=False)
    like(newcomer, floor1)
    found = shown(member, "like")
    assert len(found) == 1 and found[0].count == 1 and found[0].names == [newcomer.username]
    assert found[0].read_at is None and unread(member) == 1


def test_an_unlike_on_a_floor_whose_author_turned_likes_off_changes_nothing(floor1, member):
    services.notice_settings_save(member=member, off=["like"])
    liker = MemberFactory()
    like(liker, floor1)
    like(liker, floor1, yes=False)
    assert Notice.objects.filter(member=member).count() == 0 and unread(member) == 0


def test_changing_ones_mood_leaves_the_old_moods_notice(thread, member):
    first, second = (Mood.objects.filter(enabled=True).order_by("order", "id")[:2])
    voter, other = MemberFactory(), MemberFactory()
    reactions.mood_vote(member=other, thread_id=thread.pk, mood_id=first.pk)
    reactions.mood_vote(member=voter, thread_id=thread.pk, mood_id=first.pk)
    assert shown(member, "mood")[0].count == 2
    reactions.mood_vote(member=voter, thread_id=thread.pk, mood_id=second.pk)
    by_mood = {n.group_key: n for n in shown(member, "mood")}
    old, new = by_mood[f"mood:{thread.pk}:{first.pk}"], by_mood[f"mood:{thread.pk}:{second.pk}"]
    assert (old.count, old.names) == (1, [other.username]) and voter.username not in old.text
    assert (new.count, new.names) == (1, [voter.username])
    assert unread(member) == 2
    services.notices_mark_read(member=member)
    reactions.mood_vote(member=other, thread_id=thread.pk, mood_id=second.pk)  # nobody left on the first mood
    assert [n.group_key for n in shown(member, "mood")] == [f"mood:{thread.pk}:{second.pk}"]
    assert unread(member) == 1 and shown(member, "mood")[0].count == 2  # `other` is news on the second
    services.notices_mark_read(member=member)
    reactions.mood_vote(member=voter, thread_id=thread.pk, mood_id=first.pk)  # back again: no news
    assert unread(member) == 0 and {n.count for n in shown(member, "mood")} == {1}
