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
