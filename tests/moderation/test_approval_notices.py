"""审核 and notices: a post that waited for approval tells nobody while it waits; approved, it tells what it
would have told had it been shown at once (the thread's author, a quoted member, @names, followers), once;
rejected or deleted, it tells nobody but its author (the moderator's own notice)."""

import pytest
from django.urls import reverse
from factories import MemberFactory

from luntan.accounts.models import MemberGroup
from luntan.forum import permissions, services
from luntan.moderation import surgery
from luntan.notices import services as notices
from luntan.notices.models import Notice

pytestmark = pytest.mark.django_db

STAFF = (MemberGroup.Role.ADMIN, MemberGroup.Role.SUPER_MODERATOR, MemberGroup.Role.MODERATOR)


@pytest.fixture
def checked_board(board, admin, django_capture_on_commit_callbacks):
    """`board`, where what every group but the staff's posts waits for a moderator's approval."""
    groups = MemberGroup.objects.exclude(role__in=STAFF).values_list("pk", flat=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.board_access_set(member=admin, board=board,
                                  rules=dict.fromkeys(groups, permissions.Access(needs_approval=True)))
    return board


@pytest.fixture
def open_thread(board, moderator):
    """A thread opened (and so shown at once) by the board's moderator, before the board checks posts."""
    return services.thread_create(author=moderator, board=board, title="版主的帖子", source="欢迎讨论",
                                  fmt="bbcode").thread


def told(member) -> list[tuple[str, str]]:
    return list(Notice.objects.filter(member=member).order_by("pk").values_list("kind", "url"))


def unread(member) -> int:
    member.refresh_from_db()
    return member.unread_notices


@pytest.fixture
def audience(open_thread, moderator):
    """A member quoted in the thread, a follower of the thread and one to be @named; the thread is the
    moderator's, so its author hears of replies."""
    quoted, follower, named = MemberFactory(), MemberFactory(), MemberFactory()
    services.post_reply(author=quoted, thread=open_thread, source="我先说两句", fmt="bbcode")
    notices.thread_follow(member=follower, thread_id=open_thread.pk)
    Notice.objects.all().delete()
    type(moderator).objects.update(unread_notices=0)
    return {"quoted": quoted, "follower": follower, "named": named}


def held_reply(open_thread, checked_board, audience, member):
    source = f"[quote={audience['quoted'].username}]我先说两句[/quote]不同意,@{audience['named'].username} 你看呢"
    floor = services.post_reply(author=member, thread=open_thread, source=source, fmt="bbcode")
    assert floor.is_waiting
    return floor


APPROVERS = {
    "queue": lambda moderator, floor: surgery.posts_approve(member=moderator, floor_ids=[floor.pk]),
    "service": lambda moderator, floor: services.approve_waiting(member=moderator, floor=floor),
}


@pytest.mark.parametrize("approve", APPROVERS.values(), ids=APPROVERS.keys())
def test_a_held_reply_tells_nobody_until_approved_then_everyone_once(open_thread, checked_board, audience, member,
                                                                     moderator, approve):
    floor = held_reply(open_thread, checked_board, audience, member)
    everyone = [moderator, *audience.values()]
    assert [told(m) for m in everyone] == [[], [], [], []]  # waiting: nobody hears of it
    approve(moderator, floor)
    where = reverse("forum:floor", args=[open_thread.pk, floor.number])
    assert told(moderator) == [("reply", where)]
    assert told(audience["quoted"]) == [("quote", where)]
    assert told(audience["named"]) == [("mention", where)]
    assert told(audience["follower"]) == [("follow_thread", where)]
    assert [unread(m) for m in everyone] == [1, 1, 1, 1]
    assert told(member) == []  # the replier is told nothing of their own post
    approve(moderator, floor)  # approving twice tells nobody twice
    assert [len(told(m)) for m in everyone] == [1, 1, 1, 1] and [unread(m) for m in everyone] == [1, 1, 1, 1]


def test_a_held_thread_tells_its_authors_followers_and_names_once_approved(checked_board, member, moderator):
    fan, named = MemberFactory(), MemberFactory()
    notices.member_follow(member=fan, followed_id=member.pk)
    floor = services.thread_create(author=member, board=checked_board, title="待审的新帖",
                                   source=f"@{named.username} 来看看", fmt="bbcode")
    assert floor.thread.is_waiting and told(fan) == [] and told(named) == []
    surgery.posts_approve(member=moderator, floor_ids=[floor.pk])
    assert [k for k, _ in told(fan)] == ["follow_member"] and [k for k, _ in told(named)] == ["mention"]
    surgery.posts_approve(member=moderator, floor_ids=[floor.pk])
    assert len(told(fan)) == 1 and len(told(named)) == 1 and unread(fan) == 1


def test_a_rejected_held_reply_tells_nobody(open_thread, checked_board, audience, member, moderator):
    floor = held_reply(open_thread, checked_board, audience, member)
    surgery.posts_reject(member=moderator, floor_ids=[floor.pk], reason="广告", notify_author=True)
    surgery.posts_approve(member=moderator, floor_ids=[floor.pk])  # decided already: nothing
    assert [told(m) for m in (moderator, *audience.values())] == [[], [], [], []]
    assert [k for k, _ in told(member)] == ["moderation"]  # the author hears the moderator's decision only


def test_a_deleted_held_reply_tells_nobody_even_if_approved_after(open_thread, checked_board, audience, member,
                                                                 moderator):
    floor = held_reply(open_thread, checked_board, audience, member)
    services.floor_delete(member=moderator, floor=floor)
    floor.refresh_from_db()
    services.approve_waiting(member=moderator, floor=floor)
    assert [told(m) for m in (moderator, *audience.values())] == [[], [], [], []]
    floor.refresh_from_db()
    assert floor.is_waiting  # neither shown nor counted

