"""The moderators' pages: the thread panel and the board's batch form reach moderators only, every action
posts, bad input gets a clear message (never a 500), and the log pages cost a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import signed_in

from luntan.forum.models import Thread
from luntan.moderation import services
from luntan.moderation.models import ModerationLog

pytestmark = pytest.mark.django_db


def test_the_panel_and_batch_form_are_for_the_boards_moderators_only(moderator, thread, board, member_client,
                                                                    other_board, make_thread):
    mod = signed_in(moderator)
    # a member first, so the kept pages exist before the moderator reads them
    assert "mod-panel" not in member_client.get(reverse("forum:thread", args=[thread.pk])).content.decode()
    assert 'id="batch-form"' not in member_client.get(reverse("forum:board", args=[board.pk])).content.decode()
    thread_page = mod.get(reverse("forum:thread", args=[thread.pk])).content.decode()
    assert "mod-panel" in thread_page and reverse("moderation:thread", args=[thread.pk]) in thread_page
    board_page = mod.get(reverse("forum:board", args=[board.pk])).content.decode()
    assert 'id="batch-form"' in board_page and f'name="thread" value="{thread.pk}"' in board_page
    # and not after the moderator: the member's copy is still without them
    assert "mod-panel" not in member_client.get(reverse("forum:thread", args=[thread.pk])).content.decode()
    assert 'id="batch-form"' not in member_client.get(reverse("forum:board", args=[board.pk])).content.decode()
    # nor on a board the moderator does not moderate
    elsewhere = make_thread(on=other_board)
    assert "mod-panel" not in mod.get(reverse("forum:thread", args=[elsewhere.pk])).content.decode()


def test_the_panel_posts_an_action_and_says_so(moderator, thread):
    mod = signed_in(moderator)
    response = mod.post(reverse("moderation:thread", args=[thread.pk]),
                        {"action": "digest", "digest": "2", "reason": "优质内容", "notify": "1"}, follow=True)
    assert response.status_code == 200 and "已完成" in response.content.decode()
    thread.refresh_from_db()
    assert thread.digest == 2
    assert ModerationLog.objects.get().reason == "优质内容"


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "explode"}, "未知的操作"),
    ({}, "未知的操作"),
    ({"action": "sticky", "level": "9"}, "未知的置顶级别"),
    ({"action": "sticky", "level": "1", "until": "2001-01-01T10:00"}, "必须在将来"),
    ({"action": "sticky", "level": "1", "until": "明天"}, "请填写日期和时间"),
    ({"action": "highlight", "colour": "chartreuse"}, "颜色"),
    ({"action": "move", "target": "999999"}, "未知的版块"),
    ({"action": "type", "thread_type": "abc"}, "未知的分类"),
    ({"action": "digest", "digest": "7", "reason": "我写的理由"}, "我写的理由"),
])
def test_bad_input_on_the_thread_page_is_explained(data, message, moderator, thread):
    before = Thread.objects.filter(pk=thread.pk).values().get()
    response = signed_in(moderator).post(reverse("moderation:thread", args=[thread.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Thread.objects.filter(pk=thread.pk).values().get() == before and not ModerationLog.objects.exists()


def test_a_member_cannot_use_the_moderators_pages(member_client, thread, board):
    assert member_client.post(reverse("moderation:thread", args=[thread.pk]), {"action": "lock"}).status_code == 403
    assert member_client.post(reverse("moderation:batch", args=[board.pk]),
                              {"action": "lock", "thread": [thread.pk]}).status_code == 403
    assert member_client.get(reverse("moderation:log")).status_code == 403
    assert member_client.get(reverse("moderation:board_types", args=[board.pk])).status_code == 403
    thread.refresh_from_db()
    assert not thread.is_locked and not ModerationLog.objects.exists()
    assert member_client.get(reverse("moderation:thread", args=["abc"])).status_code == 404


def test_batch_applies_to_every_checked_thread_once(moderator, board, make_thread):
    threads = [make_thread(title=f"帖子{i}") for i in range(3)]
    mod = signed_in(moderator)
    data = {"action": "lock", "thread": [t.pk for t in threads[:2]], "reason": "整理版面"}
    for _ in range(2):  # sent twice
        assert mod.post(reverse("moderation:batch", args=[board.pk]), data).status_code == 302
    assert [t.is_locked for t in Thread.objects.filter(pk__in=[t.pk for t in threads]).order_by("pk")] == [
        True, True, False]
    assert ModerationLog.objects.filter(action="lock", reason="整理版面").count() == 2


def test_batch_move_asks_for_a_board_then_moves(moderator, board, sister_board, make_thread):
    threads = [make_thread(title=f"搬家{i}") for i in range(2)]
    mod = signed_in(moderator)
    ask = mod.post(reverse("moderation:batch", args=[board.pk]), {"action": "move", "thread": [t.pk for t in threads]})
    assert ask.status_code == 200 and "请选择要把这些主题移动到的版块" in ask.content.decode()
    done = mod.post(reverse("moderation:batch", args=[board.pk]),
                    {"action": "move", "thread": [t.pk for t in threads], "target": sister_board.pk})
    assert done.status_code == 302
    assert set(Thread.objects.filter(pk__in=[t.pk for t in threads]).values_list("board_id", flat=True)) == {
        sister_board.pk}


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "lock"}, "请至少选择一个主题"),
    ({"action": "lock", "thread": ["abc"]}, "不属于本版"),
    ({"action": "lock", "thread": ["999999"]}, "不属于本版"),
    ({"action": "restore", "thread": ["1"]}, "未知的操作"),
])
def test_bad_batches_are_refused_and_change_nothing(data, message, moderator, board, thread, other_board,
                                                    make_thread):
    response = signed_in(moderator).post(reverse("moderation:batch", args=[board.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ModerationLog.objects.exists()


def test_a_batch_with_a_thread_of_another_board_changes_nothing(moderator, board, thread, other_board, make_thread):
    other = make_thread(on=other_board)
    response = signed_in(moderator).post(reverse("moderation:batch", args=[board.pk]),
                                         {"action": "lock", "thread": [thread.pk, other.pk]})
    assert response.status_code == 400
    assert not Thread.objects.filter(is_locked=True).exists() and not ModerationLog.objects.exists()


def test_types_are_managed_by_the_boards_moderators(moderator, board):
    mod = signed_in(moderator)
    address = reverse("moderation:board_types", args=[board.pk])
    assert mod.post(address, {"op": "add", "name": "求助", "order": "1"}).status_code == 302
    again = mod.post(address, {"op": "add", "name": "求助", "order": "2"})
    assert again.status_code == 400 and "已经有名为" in again.content.decode()
    empty = mod.post(address, {"op": "add", "name": "", "order": "x"})
    assert empty.status_code == 400
    assert board.thread_types.count() == 1
    assert mod.post(address, {"op": "delete", "type": "abc"}).status_code == 400
    assert mod.post(address, {"op": "required", "required": "1"}).status_code == 302
    board.refresh_from_db()
    assert board.types_required


def test_the_log_shows_and_filters_what_the_reader_may_see(moderator, admin, board, other_board, make_thread,
                                                          django_assert_max_num_queries):
    mine = make_thread(title="本版主题")
    theirs = make_thread(title="别版主题", on=other_board)
    services.thread_lock(member=moderator, thread=mine, locked=True, reason="吵架")
    services.thread_lock(member=admin, thread=theirs, locked=True, reason="别处的理由")
    services.thread_digest(member=admin, thread=mine, level=1)
    mod = signed_in(moderator)
    page = mod.get(reverse("moderation:log")).content.decode()
    assert "吵架" in page and "别处的理由" not in page
    admin_client = signed_in(admin)
    assert "别处的理由" in admin_client.get(reverse("moderation:log")).content.decode()
    only = admin_client.get(reverse("moderation:log"), {"action": "digest"}).content.decode()
    assert "吵架" not in only and "本版主题" in only
    by = admin_client.get(reverse("moderation:log"), {"moderator": moderator.username}).content.decode()
    assert "吵架" in by and "别处的理由" not in by
    assert "吵架" in admin_client.get(reverse("moderation:log"), {"thread": mine.pk}).content.decode()
    today = timezone.localdate()
    assert "吵架" not in admin_client.get(reverse("moderation:log"),
                                        {"since": str(today + timedelta(days=1))}).content.decode()
    bad = admin_client.get(reverse("moderation:log"),
                           {"since": "昨天", "action": "explode", "board": "x", "thread": "-1"})
    assert bad.status_code == 400 and "请填写日期" in bad.content.decode()
    # a fixed number of queries, however long the log
    with django_assert_max_num_queries(12) as few:
        admin_client.get(reverse("moderation:log"))
    for i in range(25):
        services.thread_stick(member=admin, thread=mine, level=(i % 3) + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("moderation:log"))


def test_the_recycle_bin_costs_a_fixed_number_of_queries(admin, make_thread, django_assert_max_num_queries):
    client = signed_in(admin)
    services.thread_delete(member=admin, thread=make_thread())
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("moderation:recycle"))
    for _ in range(10):
        services.thread_delete(member=admin, thread=make_thread(replies=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("moderation:recycle"))


def test_the_user_box_links_the_log_for_moderators_only(moderator, member_client):
    assert reverse("moderation:log") in signed_in(moderator).get(reverse("forum:home")).content.decode()
    assert reverse("moderation:log") not in member_client.get(reverse("forum:home")).content.decode()
