"""What members and moderators see after an action: stickies across boards and their expiry, closed
threads, moved threads and their stub, thread types."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import signed_in

from luntan.core import buffers
from luntan.forum.models import Board, Thread
from luntan.moderation import services

pytestmark = pytest.mark.django_db


def _titles(client, board, **query):
    response = client.get(reverse("forum:board", args=[board.pk]), query)
    assert response.status_code == 200
    return re.findall(r'class="thread-title[^"]*">([^<]+)<', response.content.decode())


def test_a_board_starts_with_site_then_category_then_own_stickies(admin, board, sister_board, other_board,
                                                                  make_thread, member_client):
    make_thread(title="普通帖")
    own = make_thread(title="本版置顶")
    category = make_thread(title="分类置顶", on=sister_board)
    site = make_thread(title="全局置顶", on=other_board)
    services.thread_stick(member=admin, thread=own, level=1)
    services.thread_stick(member=admin, thread=category, level=2)
    services.thread_stick(member=admin, thread=site, level=3)
    assert _titles(member_client, board) == ["全局置顶", "分类置顶", "本版置顶", "普通帖"]
    # the category sticky stays in its category; the site's shows everywhere, each once
    assert _titles(member_client, other_board) == ["全局置顶"]
    assert _titles(member_client, sister_board) == ["全局置顶", "分类置顶"]


def test_an_expired_sticky_is_not_sticky_and_the_flusher_clears_it(moderator, board, make_thread, member_client):
    old = make_thread(title="过期置顶")
    make_thread(title="新帖")
    services.thread_stick(member=moderator, thread=old, level=1, until=timezone.now() + timedelta(hours=1))
    assert _titles(member_client, board) == ["过期置顶", "新帖"]
    Thread.objects.filter(pk=old.pk).update(sticky_until=timezone.now() - timedelta(minutes=1))
    assert _titles(member_client, board, page=1, sort="created") == ["新帖", "过期置顶"]
    assert buffers.write_all()["stickies"] == 1
    old.refresh_from_db()
    assert (old.sticky, old.sticky_until) == (0, None)


def test_a_closed_thread_is_hidden_from_members_and_tagged_for_moderators(moderator, thread, board, member_client,
                                                                          other_member_client):
    services.thread_close(member=moderator, thread=thread, closed=True)
    assert _titles(other_member_client, board) == []
    assert other_member_client.get(reverse("forum:thread", args=[thread.pk])).status_code == 404
    assert member_client.get(reverse("forum:thread", args=[thread.pk])).status_code == 404  # its author too
    mod = signed_in(moderator)
    assert _titles(mod, board) == [thread.title]
    assert "已关闭" in mod.get(reverse("forum:board", args=[board.pk])).content.decode()
    assert mod.get(reverse("forum:thread", args=[thread.pk])).status_code == 200
    services.thread_close(member=moderator, thread=thread, closed=False)
    assert _titles(other_member_client, board) == [thread.title]


def test_a_move_keeps_both_boards_counts_and_leaves_a_stub(moderator, board, sister_board, make_thread,
                                                           member_client):
    stay = make_thread(title="留下的帖")
    go = make_thread(title="要搬的帖", replies=2)
    services.thread_move(member=moderator, thread=go, target=sister_board, leave_stub=True, reason="发错版块")
    board.refresh_from_db()
    sister_board.refresh_from_db()
    assert (board.thread_count, board.post_count, board.last_thread_id) == (1, 1, stay.pk)
    assert (sister_board.thread_count, sister_board.post_count, sister_board.last_thread_id) == (1, 3, go.pk)
    stub = Thread.objects.get(moved_to=go)
    assert stub.board_id == board.pk
    page = member_client.get(reverse("forum:board", args=[board.pk])).content.decode()
    assert "已移动" in page and reverse("forum:thread", args=[go.pk]) in page
    assert _titles(member_client, sister_board) == ["要搬的帖"]
    # recounting agrees with the move's counts
    from luntan.forum import services as forum

    assert forum.board_recount(boards=Board.objects.filter(pk__in=[board.pk, sister_board.pk])) == []
    # moving it back removes the stub rather than linking the board to itself
    services.thread_move(member=moderator, thread=go, target=board)
    assert not Thread.objects.filter(moved_to=go, board=board).exists()


def test_types_show_as_prefix_and_filter_the_list(moderator, board, kinds, make_thread, member_client):
    help_thread = make_thread(title="怎么装系统")
    make_thread(title="随便聊聊")
    services.thread_set_type(member=moderator, thread=help_thread, thread_type=kinds[0])
    page = member_client.get(reverse("forum:board", args=[board.pk])).content.decode()
    assert "[求助]" in page
    assert _titles(member_client, board, type=kinds[0].pk) == ["怎么装系统"]
    assert sorted(_titles(member_client, board, type="abc")) == sorted(["随便聊聊", "怎么装系统"])  # no filter
    assert "[求助]" in member_client.get(reverse("forum:thread", args=[help_thread.pk])).content.decode()


def test_a_required_type_is_asked_for_and_the_input_kept(moderator, board, kinds, member_client):
    services.board_types_required(member=moderator, board=board, required=True)
    address = reverse("forum:thread_new") + f"?board={board.pk}"
    refused = member_client.post(address, {"title": "没选分类", "source": "正文", "format": "bbcode"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "请选择" in body and "没选分类" in body
    assert not Thread.objects.filter(title="没选分类").exists()
    wrong = member_client.post(address, {"title": "乱选分类", "source": "正文", "format": "bbcode",
                                         "thread_type": 99999})
    assert wrong.status_code == 400 and not Thread.objects.filter(title="乱选分类").exists()
    done = member_client.post(address, {"title": "选了分类", "source": "正文", "format": "bbcode",
                                        "thread_type": kinds[1].pk})
    assert done.status_code == 302
    assert Thread.objects.get(title="选了分类").thread_type_id == kinds[1].pk


def test_the_demo_moderates_through_the_services(moderator, make_thread):
    import random

    from luntan.moderation.demo import fill_demo
    from luntan.moderation.models import ModerationLog

    for i in range(7):
        make_thread(title=f"演示帖{i}")
    fill_demo(members=[moderator], rng=random.Random(7), now=timezone.now())
    assert ModerationLog.objects.filter(actor=moderator).count() >= 4
    assert Thread.objects.filter(digest__gt=0).exists()
