"""`luntan recount` rebuilds every denormalized counter from the rows and says what it corrected."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory

from luntan.forum import services
from luntan.forum.models import Board, Thread

pytestmark = pytest.mark.django_db


def _recount() -> str:
    out = StringIO()
    call_command("recount", stdout=out)
    return out.getvalue()


@pytest.fixture
def forum(make_thread, member, other_member, moderator, board):
    """Two threads with replies by two members, a deleted reply, a deleted thread and a digest thread."""
    first = make_thread(replies=2, title="第一个主题")
    services.post_reply(author=other_member, thread=first, source="路过", fmt="bbcode")
    gone = services.post_reply(author=other_member, thread=first, source="删掉的回复", fmt="bbcode")
    services.floor_delete(member=other_member, floor=gone)
    services.thread_update(member=moderator, thread=first, digest=1)
    binned = make_thread(replies=1, by=other_member, title="进了回收站的主题")
    services.thread_delete(member=moderator, thread=binned)
    latest = make_thread(title="最新的主题", by=other_member)
    return first, binned, latest


def test_a_healthy_forum_needs_no_correction(forum):
    assert _recount().strip() == "所有计数都正确，没有改动。"


def test_corrupted_counters_are_rebuilt_and_named(forum, board, member, other_member):
    first, binned, latest = forum
    truth_board = Board.objects.values("thread_count", "post_count", "last_thread_id").get(pk=board.pk)
    Board.objects.filter(pk=board.pk).update(thread_count=7, post_count=12, last_thread=first,
                                             last_thread_title="第一个主题", last_poster_name="某人")
    Thread.objects.filter(pk=first.pk).update(reply_count=40, last_replier_name="不是他", last_floor=1)
    member.__class__.objects.filter(pk=member.pk).update(post_count=0, thread_count=9, digest_count=0)

    out = _recount()

    assert f"版块 {board.name}: 帖子 12 → {truth_board['post_count']}" in out
    assert f"版块 {board.name}: 主题 7 → {truth_board['thread_count']}" in out
    assert f"版块 {board.name}: 最后发表的主题标题 第一个主题 → 最新的主题" in out
    assert "主题 第一个主题: 回复数 40 → 3" in out
    assert "主题 第一个主题: 最后楼层 1 → 5" in out  # raised back to the highest number handed out
    assert f"会员 {member.username}: 主题 9 → 1" in out
    assert f"会员 {member.username}: 精华帖数 0 → 1" in out
    board.refresh_from_db()
    first.refresh_from_db()
    member.refresh_from_db()
    assert (board.thread_count, board.post_count, board.last_thread_id) == tuple(truth_board.values())
    assert (board.last_thread_title, board.last_poster_name) == ("最新的主题", other_member.username)
    assert (first.reply_count, first.last_floor, first.last_replier_name) == (3, 5, other_member.username)
    assert (member.post_count, member.thread_count, member.digest_count) == (3, 1, 1)
    assert f"会员 {other_member.username}" not in out  # only what was wrong is named

    assert _recount().strip() == "所有计数都正确，没有改动。"


def test_recount_shows_on_the_home_page(forum, board, django_capture_on_commit_callbacks):
    from django.test import Client

    Board.objects.filter(pk=board.pk).update(post_count=999)
    assert "999" in Client().get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _recount()
    assert "999" not in Client().get("/").content.decode()


def test_last_floor_is_never_lowered(thread):
    Thread.objects.filter(pk=thread.pk).update(last_floor=9)  # numbers up to 9 were handed out
    assert services.thread_recount(threads=Thread.objects.filter(pk=thread.pk)) == []


def _recount_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        services.thread_recount()
        services.board_recount()
        services.member_recount()
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_number_of_rows(make_thread, board):
    make_thread(replies=1)
    few = _recount_queries()
    for _ in range(20):
        make_thread(replies=2, by=MemberFactory(), on=board)
    assert _recount_queries() == few


# --- The other apps' counters ------------------------------------------------------------------------------------

@pytest.fixture
def other_apps(make_thread, member, other_member, board):
    """One of each other app's counted things, all counted right: a public blog post, a reply notice, a short
    message, a poll with a vote, a paid part, a like and a mood, a followed thread."""
    from luntan.blog.services import blog_post_create
    from luntan.letters.services import conversation_start
    from luntan.notices.services import thread_follow
    from luntan.polls import services as polls
    from luntan.reactions import services as reactions
    from luntan.reactions.models import Mood

    blog_post_create(author=member, title="我的日志", source="今天去爬山", fmt="bbcode", visibility="public")
    thread = make_thread(title="投票主题")
    spec = polls.clean_poll(options=["好", "不好"], multiple=False, max_choices=None, ends_at=None,
                            results_after_vote=False, public_voters=False)
    poll = polls.poll_create(floor=thread.floors.get(number=1), spec=spec)
    polls.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[poll.options.order_by("position")[0].pk])
    services.post_reply(author=other_member, thread=thread, source="[sell=5]付费内容[/sell]", fmt="bbcode")
    conversation_start(author=other_member, recipients=member.username, title="你好", source="在吗", fmt="bbcode")
    reactions.floor_like(member=other_member, floor_id=thread.floors.get(number=1).pk)
    mood = Mood.objects.filter(enabled=True).order_by("order", "id").first()
    reactions.mood_vote(member=other_member, thread_id=thread.pk, mood_id=mood.pk)
    thread_follow(member=other_member, thread_id=thread.pk)
    return thread, poll


def _counts(member, thread, poll):
    from luntan.hidden.models import FloorPart

    member.refresh_from_db()
    thread.refresh_from_db()
    poll.refresh_from_db()
    return {
        "blog": member.blog_public_count, "notices": member.unread_notices, "letters": member.unread_messages,
        "follows": type(member).objects.get(pk=poll.thread.floors.get(number=2).author_id).thread_follows,
        "voters": poll.voter_count, "votes": sorted(poll.options.values_list("vote_count", flat=True)),
        "buyers": list(FloorPart.objects.values_list("buyer_count", flat=True)),
        "likes": (thread.like_count, thread.floors.get(number=1).like_count), "moods": thread.mood_count,
    }


def test_the_other_apps_counters_are_rebuilt_too(other_apps, member):
    from luntan.hidden.models import FloorPart
    from luntan.polls.models import PollOption
    from luntan.reactions.models import MoodTally

    thread, poll = other_apps
    right = _counts(member, thread, poll)
    assert right == {"blog": 1, "notices": 4, "letters": 1, "follows": 1, "voters": 1, "votes": [0, 1],
                     "buyers": [0], "likes": (1, 1), "moods": 1}
    assert _recount().strip() == "所有计数都正确，没有改动。"
    members = type(member).objects
    members.filter(pk=member.pk).update(blog_public_count=7, unread_notices=0, unread_messages=5)
    members.filter(thread_follows=1).update(thread_follows=9)
    type(poll).objects.filter(pk=poll.pk).update(voter_count=4)
    PollOption.objects.filter(poll=poll).update(vote_count=3)
    FloorPart.objects.update(buyer_count=2)
    Thread.objects.filter(pk=thread.pk).update(like_count=6, mood_count=0)
    MoodTally.objects.update(count=8)
    said = _recount()
    assert _counts(member, thread, poll) == right
    for line in ("日志", "提醒", "短消息", "投票", "购买", "表态"):
        assert line in said, said
    assert _recount().strip() == "所有计数都正确，没有改动。"
