"""Thread surgery's services: merge, split, stick a reply, approve and reject. Every count stays what the
forum's recount functions would rebuild from the rows, floors stay numbered without a gap, a repeat changes
nothing and a refusal changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from factories import MemberFactory

from luntan.credits.models import CreditEntry, Operation
from luntan.forum import services
from luntan.forum.models import Board, Floor, Thread
from luntan.moderation import surgery
from luntan.moderation.models import ModerationLog
from luntan.notices.models import Notice

pytestmark = pytest.mark.django_db

ALLOWED = ["moderator", "super_moderator", "admin"]
REFUSED = ["guest", "member", "silenced", "moderator_elsewhere"]


def no_corrections() -> None:
    """The counters are exactly what the rows say: the forum's recount finds nothing to correct."""
    assert services.thread_recount() == []
    assert services.board_recount() == []
    assert services.member_recount() == []


def numbers(thread: Thread) -> list[int]:
    return list(Floor.objects.filter(thread=thread).order_by("number").values_list("number", flat=True))


def texts(thread: Thread) -> list[str]:
    return list(Floor.objects.filter(thread=thread).order_by("number").values_list("source", flat=True))


def snapshot():
    """Everything an action could change: threads, floors, boards, members, ledger, log, notices."""
    return (
        list(Thread.objects.order_by("pk").values()),
        list(Floor.objects.order_by("pk").values()),
        list(Board.objects.order_by("pk").values()),
        sorted((m.pk, m.post_count, m.thread_count, m.digest_count) for m in MemberFactory._meta.model.objects.all()),
        CreditEntry.objects.count(), ModerationLog.objects.count(), Notice.objects.count(),
    )


def actor(roles, name):
    """The role matrix's member by name; "moderator_elsewhere" is `moderator`, acting on other_board."""
    if name == "guest":
        return AnonymousUser()
    return roles["moderator" if name == "moderator_elsewhere" else name]


def waiting_thread(board, author, *, title="等待审核的新帖", text="请版主审核这个帖子") -> Thread:
    """A thread as the access helper's thread_create makes it on a board whose posts wait: out of every count."""
    now = timezone.now()
    thread = Thread.objects.create(board=board, title=title, author=author, created_at=now, last_reply_at=now,
                                   last_replier=author, last_replier_name=author.username, last_floor=1,
                                   is_waiting=True)
    Floor.objects.create(thread=thread, number=1, author=author, source=text, html=f"<p>{text}</p>", created_at=now,
                         is_waiting=True)
    return thread


def waiting_reply(thread, author, *, text="一条等待审核的回复") -> Floor:
    """A reply as the access helper's post_reply makes it: numbered, left out of every count."""
    thread.refresh_from_db()
    number = thread.last_floor + 1
    Thread.objects.filter(pk=thread.pk).update(last_floor=number)
    return Floor.objects.create(thread=thread, number=number, author=author, source=text, html=f"<p>{text}</p>",
                                is_waiting=True)


# --- Merge --------------------------------------------------------------------------------------------------------

@pytest.fixture
def pair(make_thread, member, other_member):
    """A: member's thread with 2 replies. B (newer): other_member's, a reply by member, one deleted reply."""
    a = make_thread(replies=2, title="显卡怎么选")
    b = make_thread(by=other_member, title="显卡选购求助")
    services.post_reply(author=member, thread=b, source="看预算", fmt="bbcode")
    gone = services.post_reply(author=other_member, thread=b, source="发错了", fmt="bbcode")
    services.floor_delete(member=other_member, floor=gone)
    b.refresh_from_db()
    return a, b


def test_merge_appends_the_other_threads_floors_in_order_and_keeps_every_count_exact(pair, moderator, board,
                                                                                   member, other_member):
    a, b = pair
    ledger = CreditEntry.objects.count()
    surgery.thread_merge(member=moderator, thread=a, other=b, reason="重复的帖子")
    a.refresh_from_db()
    b.refresh_from_db()
    assert numbers(a) == [1, 2, 3, 4, 5, 6]
    assert texts(a)[3:] == ["[b]大家好[/b],出来晒太阳。", "看预算", "发错了"]
    assert a.last_floor == 6 and a.reply_count == 4  # 2 + B's opening post and its live reply
    assert b.is_deleted and b.moved_to_id == a.pk and not Floor.objects.filter(thread=b).exists()
    board.refresh_from_db()
    other_member.refresh_from_db()
    assert board.thread_count == 1 and board.post_count == 5
    assert other_member.thread_count == 0 and other_member.post_count == 1  # no longer a thread starter
    assert CreditEntry.objects.count() == ledger  # B's thread reward stays; nothing changes hands
    log = ModerationLog.objects.get()
    assert log.action == "merge" and log.thread_id == a.pk and log.reason == "重复的帖子"
    no_corrections()


def test_merge_across_boards_moves_the_posts_between_the_boards(make_thread, admin, board, other_board,
                                                                other_member):
    a = make_thread(replies=1)
    b = make_thread(by=other_member, replies=2, on=other_board, title="另一个版块的帖子")
    surgery.thread_merge(member=admin, thread=a, other=b)
    for x in (board, other_board):
        x.refresh_from_db()
    assert (board.thread_count, board.post_count) == (1, 5)
    assert (other_board.thread_count, other_board.post_count, other_board.last_thread_id) == (0, 0, None)
    no_corrections()


def test_merging_twice_changes_nothing_the_second_time(pair, moderator):
    a, b = pair
    surgery.thread_merge(member=moderator, thread=a, other=b, notify_author=True)
    before = snapshot()
    surgery.thread_merge(member=moderator, thread=a, other=b, notify_author=True)
    assert snapshot() == before
    assert Notice.objects.filter(kind="moderation").count() == 1


@pytest.mark.parametrize("who", REFUSED)
def test_merge_refused_to_non_moderators_changes_nothing(pair, roles, who, make_thread, other_board, member):
    a, b = pair
    if who == "moderator_elsewhere":
        b = make_thread(on=other_board, title="别处的帖子")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        surgery.thread_merge(member=actor(roles, who), thread=a, other=b)
    assert snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
def test_merge_allowed_to_the_boards_moderators_and_staff(pair, roles, who):
    a, b = pair
    surgery.thread_merge(member=actor(roles, who), thread=a, other=b)
    assert Thread.objects.get(pk=b.pk).moved_to_id == a.pk
    no_corrections()


@pytest.mark.parametrize("case", ["itself", "deleted", "waiting"])
def test_merge_refuses_what_cannot_be_merged(pair, moderator, board, member, case):
    a, b = pair
    if case == "itself":
        b = a
    elif case == "deleted":
        services.thread_delete(member=moderator, thread=b)
    else:
        b = waiting_thread(board, member)
    before = snapshot()
    with pytest.raises(ValidationError):
        surgery.thread_merge(member=moderator, thread=a, other=b)
    assert snapshot() == before


def test_a_merged_stub_cannot_be_restored(pair, moderator):
    a, b = pair
    surgery.thread_merge(member=moderator, thread=a, other=b)
    with pytest.raises(ValidationError):
        services.thread_restore(member=moderator, thread=b)
    no_corrections()


# --- Split --------------------------------------------------------------------------------------------------------

@pytest.fixture
def long_thread(make_thread, member, other_member):
    """member's thread: floors 1-6, the even replies by other_member."""
    thread = make_thread()
    for i in range(2, 7):
        services.post_reply(author=other_member if i % 2 == 0 else member, thread=thread, source=f"第{i}楼",
                            fmt="bbcode")
    thread.refresh_from_db()
    return thread


def test_split_makes_a_new_thread_numbered_from_one_and_leaves_placeholders(long_thread, moderator, board,
                                                                           other_member):
    moved_ids = list(Floor.objects.filter(thread=long_thread, number__in=[2, 4, 5]).order_by("number")
                     .values_list("pk", flat=True))
    new = surgery.thread_split(member=moderator, thread=long_thread, numbers=[4, 2, 5], title="拆出来的讨论",
                               reason="跑题")
    assert numbers(new) == [1, 2, 3] and texts(new) == ["第2楼", "第4楼", "第5楼"]
    assert list(new.floors.order_by("number").values_list("pk", flat=True)) == moved_ids
    assert (new.author_id, new.reply_count, new.last_floor, new.board_id) == (other_member.pk, 2, 3, board.pk)
    long_thread.refresh_from_db()
    assert numbers(long_thread) == [1, 2, 3, 4, 5, 6] and long_thread.last_floor == 6
    assert long_thread.reply_count == 2
    holders = Floor.objects.filter(thread=long_thread, number__in=[2, 4, 5]).order_by("number")
    assert [(h.is_deleted, h.moved_floor_id) for h in holders] == [(True, pk) for pk in moved_ids]
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (2, 6)
    assert ModerationLog.objects.get().action == "split"
    no_corrections()


def test_split_into_another_board_the_staff_moderate(long_thread, admin, board, other_board):
    new = surgery.thread_split(member=admin, thread=long_thread, numbers=[6], title="搬到别的版块", board=other_board)
    for x in (board, other_board):
        x.refresh_from_db()
    assert new.board_id == other_board.pk
    assert (board.post_count, other_board.thread_count, other_board.post_count) == (5, 1, 1)
    no_corrections()


def test_a_moderator_cannot_split_into_a_board_they_do_not_moderate(long_thread, moderator, other_board):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        surgery.thread_split(member=moderator, thread=long_thread, numbers=[2], title="不行", board=other_board)
    assert snapshot() == before


@pytest.mark.parametrize("chosen", [[1, 2], [9], [3]])
def test_split_refuses_floor_one_missing_floors_and_deleted_floors(long_thread, moderator, member, chosen):
    services.floor_delete(member=member, floor=long_thread.floors.get(number=3))
    before = snapshot()
    with pytest.raises(ValidationError):
        surgery.thread_split(member=moderator, thread=long_thread, numbers=chosen, title="拆分")
    assert snapshot() == before


def test_split_submitted_twice_makes_one_thread(long_thread, moderator):
    first = surgery.thread_split(member=moderator, thread=long_thread, numbers=[2, 3], title="只拆一次",
                                 submission_key="k1")
    before = snapshot()
    again = surgery.thread_split(member=moderator, thread=long_thread, numbers=[2, 3], title="只拆一次",
                                 submission_key="k1")
    assert again.pk == first.pk and snapshot() == before


@pytest.mark.parametrize("who", REFUSED)
def test_split_refused_to_non_moderators_changes_nothing(long_thread, roles, who, make_thread, other_board):
    thread = make_thread(replies=2, on=other_board) if who == "moderator_elsewhere" else long_thread
    before = snapshot()
    with pytest.raises(PermissionDenied):
        surgery.thread_split(member=actor(roles, who), thread=thread, numbers=[2], title="拆分")
    assert snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
def test_split_allowed_to_the_boards_moderators_and_staff(long_thread, roles, who):
    surgery.thread_split(member=actor(roles, who), thread=long_thread, numbers=[2], title="拆分")
    no_corrections()


def test_splitting_the_stuck_reply_unsticks_it(long_thread, moderator):
    surgery.reply_stick(member=moderator, thread=long_thread, number=4)
    surgery.thread_split(member=moderator, thread=long_thread, numbers=[4], title="拆走置顶的楼")
    long_thread.refresh_from_db()
    assert long_thread.pinned_floor is None


def test_split_then_merge_back_keeps_numbers_and_counts(long_thread, moderator):
    new = surgery.thread_split(member=moderator, thread=long_thread, numbers=[2, 3], title="拆出来")
    surgery.thread_merge(member=moderator, thread=long_thread, other=new)
    long_thread.refresh_from_db()
    assert numbers(long_thread) == list(range(1, 9)) and long_thread.last_floor == 8
    assert texts(long_thread)[6:] == ["第2楼", "第3楼"]
    no_corrections()


@pytest.mark.parametrize("text,expected", [("3, 5-7", [3, 5, 6, 7]), ("8，2～3", [2, 3, 8]), ("4 4", [4])])
def test_floor_numbers_are_read_as_members_write_them(text, expected):
    assert surgery.parse_floor_numbers(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1-3", "2-9999", "５"])
def test_unreadable_floor_numbers_are_refused_in_words(text):
    with pytest.raises(ValidationError):
        surgery.parse_floor_numbers(text)


# --- Stick a reply ----------------------------------------------------------------------------------------------

def test_stick_and_unstick_a_reply(long_thread, moderator, other_member):
    surgery.reply_stick(member=moderator, thread=long_thread, number=4, notify_author=True, reason="好回答")
    long_thread.refresh_from_db()
    assert long_thread.pinned_floor == 4
    notice = Notice.objects.get(kind="moderation")
    assert notice.member_id == other_member.pk and "好回答" in notice.text
    before = snapshot()
    surgery.reply_stick(member=moderator, thread=long_thread, number=4)  # the same again: nothing
    assert snapshot() == before
    surgery.reply_stick(member=moderator, thread=long_thread, number=None)
    long_thread.refresh_from_db()
    assert long_thread.pinned_floor is None
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["stick_reply", "stick_reply"]


@pytest.mark.parametrize("number", [1, 99])
def test_stick_refuses_floor_one_and_missing_floors(long_thread, moderator, number):
    with pytest.raises(ValidationError):
        surgery.reply_stick(member=moderator, thread=long_thread, number=number)
    assert Thread.objects.get(pk=long_thread.pk).pinned_floor is None


@pytest.mark.parametrize("who", REFUSED + ALLOWED)
def test_stick_over_the_role_matrix(long_thread, roles, who, make_thread, other_board):
    thread = make_thread(replies=2, on=other_board) if who == "moderator_elsewhere" else long_thread
    if who in ALLOWED:
        surgery.reply_stick(member=actor(roles, who), thread=thread, number=2)
        assert Thread.objects.get(pk=thread.pk).pinned_floor == 2
        return
    before = snapshot()
    with pytest.raises(PermissionDenied):
        surgery.reply_stick(member=actor(roles, who), thread=thread, number=2)
    assert snapshot() == before


# --- Approval ---------------------------------------------------------------------------------------------------

def test_approving_a_waiting_thread_counts_it_in_and_rewards_it(board, member, moderator):
    thread = waiting_thread(board, member)
    surgery.posts_approve(member=moderator, floor_ids=[thread.floors.get().pk], notify_author=True)
    thread.refresh_from_db()
    board.refresh_from_db()
    member.refresh_from_db()
    assert not thread.is_waiting and not thread.floors.get().is_waiting
    assert (board.thread_count, board.post_count, board.last_thread_id, board.posts_on(timezone.localdate())) == (
        1, 1, thread.pk, 1)
    assert (member.thread_count, member.post_count) == (1, 1)
    assert CreditEntry.objects.filter(member=member, operation=Operation.THREAD, subject_id=thread.pk).exists()
    assert Notice.objects.get().member_id == member.pk
    no_corrections()


def test_approving_a_waiting_reply_counts_it_in(thread, board, other_member, moderator):
    reply = waiting_reply(thread, other_member)
    surgery.posts_approve(member=moderator, floor_ids=[reply.pk])
    thread.refresh_from_db()
    board.refresh_from_db()
    other_member.refresh_from_db()
    assert (thread.reply_count, thread.last_replier_id) == (1, other_member.pk)
    assert board.post_count == 2 and other_member.post_count == 1
    assert CreditEntry.objects.filter(member=other_member, operation=Operation.REPLY, subject_id=reply.pk).exists()
    no_corrections()


def test_batch_approval_applies_once(board, thread, member, other_member, moderator):
    posts = [waiting_thread(board, other_member).floors.get().pk, waiting_reply(thread, other_member).pk,
             waiting_reply(thread, member).pk]
    done = surgery.posts_approve(member=moderator, floor_ids=posts)
    assert len(done.floors) == 3
    before = snapshot()
    assert surgery.posts_approve(member=moderator, floor_ids=posts).floors == []
    assert surgery.posts_reject(member=moderator, floor_ids=posts).floors == []
    assert snapshot() == before
    no_corrections()


def test_rejecting_deletes_and_tells_the_author_why(board, thread, member, other_member, moderator):
    waiting = waiting_thread(board, other_member)
    reply = waiting_reply(thread, other_member)
    ledger = CreditEntry.objects.count()
    before = Thread.objects.filter(pk=thread.pk).values("reply_count", "last_reply_at", "last_replier_id").get()
    surgery.posts_reject(member=moderator, floor_ids=[waiting.floors.get().pk, reply.pk], reason="广告",
                         notify_author=True)
    waiting.refresh_from_db()
    reply.refresh_from_db()
    assert waiting.is_deleted and not waiting.is_waiting  # in the recycle bin like any deleted thread
    assert reply.is_deleted and reply.is_waiting  # rejected: never counted, never the last reply
    assert Thread.objects.filter(pk=thread.pk).values("reply_count", "last_reply_at", "last_replier_id").get() == before
    assert numbers(thread) == [1, 2]  # the number stays taken: no gap
    assert [n.member_id for n in Notice.objects.all()] == [other_member.pk] * 2
    assert all("广告" in n.text for n in Notice.objects.all())
    assert CreditEntry.objects.count() == ledger
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["reject", "reject"]
    # (thread_recount takes a thread's highest floor, waiting or not, for its last reply until the access
    # work teaches it to pass over waiting floors: the boards' and members' counts are checked here.)
    assert services.board_recount() == [] and services.member_recount() == []


def test_a_rejected_reply_restored_from_the_bin_waits_again_and_is_counted_once(thread, other_member, moderator,
                                                                               admin):
    def counts():
        return (Thread.objects.get(pk=thread.pk).reply_count, Board.objects.get(pk=thread.board_id).post_count,
                MemberFactory._meta.model.objects.get(pk=other_member.pk).post_count)

    reply = waiting_reply(thread, other_member)
    surgery.posts_reject(member=moderator, floor_ids=[reply.pk])
    before = counts()
    services.floor_restore(member=admin, floor=reply)
    reply.refresh_from_db()
    assert not reply.is_deleted and reply.is_waiting  # in the approval queue again, counted nowhere
    assert counts() == before
    assert [f.pk for f in surgery.waiting_posts(moderator)[0]] == [reply.pk]
    surgery.posts_approve(member=moderator, floor_ids=[reply.pk])
    assert counts() == tuple(n + 1 for n in before)  # counted once, when approved
    assert services.board_recount() == [] and services.member_recount() == []


@pytest.mark.parametrize("who", REFUSED)
def test_approval_refused_to_non_moderators_changes_nothing(board, other_board, member, roles, who):
    waiting = waiting_thread(other_board if who == "moderator_elsewhere" else board, member)
    before = snapshot()
    for decide in (surgery.posts_approve, surgery.posts_reject):
        with pytest.raises(PermissionDenied):
            decide(member=actor(roles, who), floor_ids=[waiting.floors.get().pk])
    assert snapshot() == before


@pytest.mark.parametrize("who", ALLOWED)
def test_approval_allowed_to_the_boards_moderators_and_staff(board, member, roles, who):
    waiting = waiting_thread(board, member)
    surgery.posts_approve(member=actor(roles, who), floor_ids=[waiting.floors.get().pk])
    no_corrections()


def test_the_queue_lists_only_the_boards_a_moderator_moderates(board, other_board, member, moderator, admin):
    here = waiting_thread(board, member, title="本版待审")
    elsewhere = waiting_thread(other_board, member, title="别版待审")
    services.thread_create(author=member, board=board, title="已经发出的", source="正常", fmt="bbcode")
    mine, total = surgery.waiting_posts(moderator)
    assert [f.thread_id for f in mine] == [here.pk] and total == 1
    everything, total = surgery.waiting_posts(admin)
    assert [f.thread_id for f in everything] == [here.pk, elsewhere.pk] and total == 2


def test_a_reply_approved_below_later_floors_does_not_become_the_last_reply(thread, make_thread, other_member,
                                                                           moderator):
    reply = waiting_reply(thread, other_member)  # floor 2 waits
    other = make_thread(by=other_member, replies=1, title="并进来的帖子")
    surgery.thread_merge(member=moderator, thread=thread, other=other)  # floors 3-4 above it
    surgery.posts_approve(member=moderator, floor_ids=[reply.pk])
    thread.refresh_from_db()
    top = thread.floors.get(number=4)
    assert (thread.last_reply_at, thread.last_replier_id, thread.reply_count) == (top.created_at, other_member.pk, 3)
    no_corrections()
