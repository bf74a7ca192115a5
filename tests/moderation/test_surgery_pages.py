"""Thread surgery's pages: the forms, their refusals in words (never a 500), the links under each floor, the
stuck reply on the thread page, and floor pages read by number after a split or a merge."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from helpers import signed_in

from luntan.core import localcache
from luntan.forum import services
from luntan.forum.models import Floor, Thread
from luntan.moderation import surgery
from luntan.moderation.models import ModerationLog

from .test_surgery import no_corrections, snapshot, waiting_reply, waiting_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def few_per_page(settings):
    settings.LUNTAN = {**settings.LUNTAN, "FLOORS_PER_PAGE": 3}


@pytest.fixture
def long_thread(make_thread, other_member):
    thread = make_thread(replies=1)
    for i in range(3, 8):
        services.post_reply(author=other_member, thread=thread, source=f"第{i}楼的话", fmt="bbcode")
    thread.refresh_from_db()
    return thread


def floor_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="floor[^"]*" id="floor-(\d+)"', html)]


# --- Merge ------------------------------------------------------------------------------------------------------

def test_merge_page_merges_by_address_and_a_repeat_changes_nothing(long_thread, make_thread, moderator,
                                                                     other_member):
    other = make_thread(by=other_member, replies=1, title="同一个问题")
    client = signed_in(moderator)
    url = f"/moderation/thread/{long_thread.pk}/merge/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"other": f"http://example.com/thread/{other.pk}/?page=1", "reason": "重复"})
    assert response.status_code == 302 and response["Location"] == f"/thread/{long_thread.pk}/"
    assert "已合并" in client.get(response["Location"]).content.decode()
    before = snapshot()
    assert client.post(url, {"other": str(other.pk), "reason": "重复"}).status_code == 302
    assert snapshot() == before
    # The old address leads to the merged thread.
    assert Client().get(f"/thread/{other.pk}/")["Location"] == f"/thread/{long_thread.pk}/"
    no_corrections()


@pytest.mark.parametrize("typed,message", [("", "请输入"), ("不是编号", "不是主题编号"), ("99999", "没有编号为"),
                                           ("self", "不能合并到它自己")])
def test_merge_page_refuses_bad_input_in_words_and_keeps_it(long_thread, moderator, typed, message):
    typed = str(long_thread.pk) if typed == "self" else typed
    before = snapshot()
    response = signed_in(moderator).post(f"/moderation/thread/{long_thread.pk}/merge/",
                                         {"other": typed, "reason": "理由留着"})
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "理由留着" in html and f'value="{typed}"' in html
    assert snapshot() == before


def test_merge_page_refuses_a_thread_of_a_board_one_does_not_moderate(long_thread, make_thread, moderator,
                                                                      other_board):
    elsewhere = make_thread(on=other_board)
    before = snapshot()
    response = signed_in(moderator).post(f"/moderation/thread/{long_thread.pk}/merge/", {"other": elsewhere.pk})
    assert response.status_code == 403 and "版主" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("page", ["merge", "split", "stick"])
@pytest.mark.parametrize("who,status", [("guest", 302), ("member", 403), ("silenced", 403),
                                        ("moderator", 200), ("super_moderator", 200), ("admin", 200)])
def test_pages_over_the_role_matrix(long_thread, roles, page, who, status):
    client = Client() if who == "guest" else signed_in(roles[who])
    url = f"/moderation/thread/{long_thread.pk}/{page}/?floor=3"
    assert client.get(url).status_code == status
    before = snapshot()
    response = client.post(url, {"floor": "3", "floors": "3", "title": "拆分", "board": long_thread.board_id,
                                 "other": "1"})
    if status != 200:
        assert response.status_code == status and snapshot() == before


@pytest.mark.parametrize("url", ["/moderation/thread/abc/merge/", "/moderation/thread/99999/split/",
                                 "/moderation/thread/1x/stick/", "/moderation/approval/?board=zzz"])
def test_bad_ids_are_a_404_never_a_500(moderator, url):
    assert signed_in(moderator).get(url).status_code == 404


# --- Split ------------------------------------------------------------------------------------------------------

def test_split_page_lists_the_floors_and_splits_once(long_thread, moderator, board):
    client = signed_in(moderator)
    url = f"/moderation/thread/{long_thread.pk}/split/"
    html = client.get(f"{url}?floor=4").content.decode()
    assert 'value="4"' in html and "第4楼的话" in html
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', html).group(1)
    form = {"floors": "4-5", "title": "新开的讨论", "board": board.pk, "submission_key": key}
    first = client.post(url, form)
    new = Thread.objects.get(title="新开的讨论")
    assert first.status_code == 302 and first["Location"] == f"/thread/{new.pk}/"
    before = snapshot()
    again = client.post(url, form)
    assert again["Location"] == first["Location"] and snapshot() == before
    assert Thread.objects.filter(title="新开的讨论").count() == 1
    no_corrections()


@pytest.mark.parametrize("floors,title,message", [("1-2", "标题", "楼主"), ("两楼", "标题", "不是楼层号"),
                                                  ("50", "标题", "没有"), ("3", "", "标题")])
def test_split_page_refuses_bad_input_in_words_and_keeps_it(long_thread, moderator, board, floors, title, message):
    before = snapshot()
    response = signed_in(moderator).post(f"/moderation/thread/{long_thread.pk}/split/",
                                         {"floors": floors, "title": title, "board": board.pk, "reason": "跑题了"})
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "跑题了" in html
    assert snapshot() == before


def test_after_a_split_the_floor_pages_still_read_by_number(long_thread, moderator, few_per_page,
                                                           django_capture_on_commit_callbacks):
    for p in (1, 2, 3):  # kept before the split: the split makes them stale
        Client().get(f"/thread/{long_thread.pk}/?page={p}")
    with django_capture_on_commit_callbacks(execute=True):
        new = surgery.thread_split(member=moderator, thread=long_thread, numbers=[3, 5, 6], title="拆出的楼")
    pages = [Client().get(f"/thread/{long_thread.pk}/?page={p}").content.decode() for p in (1, 2, 3)]
    assert [floor_numbers(p) for p in pages] == [[1, 2, 3], [4, 5, 6], [7]]
    opening = Floor.objects.get(thread=new, number=1)
    assert "此楼已拆分到另一个主题" in pages[0] and f'href="/floor/{opening.pk}/"' in pages[0]
    assert "第3楼的话" not in pages[0] and "第4楼的话" in pages[1]
    new_page = Client().get(f"/thread/{new.pk}/").content.decode()
    assert floor_numbers(new_page) == [1, 2, 3] and "第5楼的话" in new_page


def test_after_a_merge_the_floor_pages_still_read_by_number(long_thread, make_thread, moderator, other_member,
                                                            few_per_page, django_capture_on_commit_callbacks):
    other = make_thread(by=other_member, replies=2, title="被合并的")
    Client().get(f"/thread/{long_thread.pk}/?page=last")  # kept before the merge: the merge makes it stale
    with django_capture_on_commit_callbacks(execute=True):
        surgery.thread_merge(member=moderator, thread=long_thread, other=other)
    last = Client().get(f"/thread/{long_thread.pk}/?page=last").content.decode()
    assert floor_numbers(last) == [10]
    assert floor_numbers(Client().get(f"/thread/{long_thread.pk}/?page=3").content.decode()) == [7, 8, 9]


# --- Stick a reply ----------------------------------------------------------------------------------------------

def test_the_stuck_reply_shows_under_floor_one_and_links_to_its_place(long_thread, moderator, few_per_page,
                                                                      django_capture_on_commit_callbacks):
    client = signed_in(moderator)
    Client().get(f"/thread/{long_thread.pk}/")  # a guest's page kept before: the action makes it stale
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/moderation/thread/{long_thread.pk}/stick/", {"floor": "6"}).status_code == 302
    html = Client().get(f"/thread/{long_thread.pk}/").content.decode()
    assert floor_numbers(html) == [1, 2, 3]
    stuck = html.split('class="floor pinned-reply"')[1]
    assert html.index('id="floor-1"') < html.index("pinned-reply") < html.index('id="floor-2"')
    assert "置顶回复" in stuck and "第6楼的话" in stuck and f'href="/thread/{long_thread.pk}/floor/6/"' in stuck
    assert 'id="floor-6' not in html  # the floor's own anchors stay on its own page
    assert "置顶回复" not in Client().get(f"/thread/{long_thread.pk}/?page=2").content.decode()
    # Unstick from the same page: the link under the floor says 取消置顶.
    page2 = client.get(f"/thread/{long_thread.pk}/?page=2").content.decode()
    assert f'/moderation/thread/{long_thread.pk}/stick/?floor=6">取消置顶' in page2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/moderation/thread/{long_thread.pk}/stick/", {"floor": "6", "unstick": "1"})
    assert response.status_code == 302
    assert "pinned-reply" not in Client().get(f"/thread/{long_thread.pk}/").content.decode()


def _cold(client, url) -> int:
    cache.clear()
    localcache.pages.clear()
    localcache.fragments.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["guest", "moderator"])
def test_a_stuck_reply_costs_no_extra_query(long_thread, make_thread, moderator, viewer, few_per_page):
    plain = make_thread(replies=6)
    surgery.reply_stick(member=moderator, thread=long_thread, number=7)
    client = Client() if viewer == "guest" else signed_in(moderator)
    counts = [_cold(client, f"/thread/{t.pk}/") for t in (plain, long_thread)]
    assert counts[0] == counts[1] <= 12, counts  # the thread page's cold bound (tests/forum/test_views.py)


def test_moderators_see_the_surgery_links_under_floors_and_members_do_not(long_thread, moderator, member):
    html = signed_in(moderator).get(f"/thread/{long_thread.pk}/").content.decode()
    assert f"/moderation/thread/{long_thread.pk}/merge/" in html
    assert f"/moderation/thread/{long_thread.pk}/split/?floor=2" in html
    assert f"/moderation/thread/{long_thread.pk}/stick/?floor=2" in html
    assert "/moderation/thread/" not in signed_in(member).get(f"/thread/{long_thread.pk}/").content.decode()


def test_stick_page_refuses_floor_one_in_words(long_thread, moderator):
    response = signed_in(moderator).post(f"/moderation/thread/{long_thread.pk}/stick/", {"floor": "1"})
    assert response.status_code == 400 and "1楼" not in "" and "始终在最上面" in response.content.decode()
    assert Thread.objects.get(pk=long_thread.pk).pinned_floor is None


# --- Approval queue -------------------------------------------------------------------------------------------

def test_queue_shows_waiting_posts_with_their_text_and_approves_a_batch(board, thread, member, other_member,
                                                                        moderator):
    waiting = waiting_thread(board, other_member, text="新帖的正文")
    reply = waiting_reply(thread, other_member, text="回复的正文")
    client = signed_in(moderator)
    html = client.get("/moderation/approval/").content.decode()
    assert "新帖的正文" in html and "回复的正文" in html
    first = waiting.floors.get().pk
    response = client.post("/moderation/approval/", {"floors": [first, reply.pk], "decision": "approve"})
    assert response.status_code == 302
    assert "2 篇帖子已通过审核" in client.get(response["Location"]).content.decode()
    before = snapshot()
    again = client.post("/moderation/approval/", {"floors": [first, reply.pk], "decision": "approve"})
    assert again.status_code == 302 and snapshot() == before
    assert "没有待审核的帖子" in client.get("/moderation/approval/").content.decode()


def test_queue_rejects_with_a_reason(board, other_member, moderator):
    waiting = waiting_thread(board, other_member)
    client = signed_in(moderator)
    response = client.post(f"/moderation/approval/?board={board.pk}",
                           {"floors": [waiting.floors.get().pk], "decision": "reject", "reason": "重复发帖",
                            "notify": "1"})
    assert response.status_code == 302 and response["Location"] == f"/moderation/approval/?board={board.pk}"
    assert ModerationLog.objects.get().reason == "重复发帖"
    assert Thread.objects.get(pk=waiting.pk).is_deleted


@pytest.mark.parametrize("form,message", [({"decision": "approve"}, "请至少选择"),
                                          ({"floors": ["x1"], "decision": "approve"}, "无法读取"),
                                          ({"floors": ["1"], "decision": "maybe"}, "通过还是拒绝")])
def test_queue_refuses_bad_input_in_words(board, other_member, moderator, form, message):
    waiting_thread(board, other_member)
    before = snapshot()
    response = signed_in(moderator).post("/moderation/approval/", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("who,status", [("guest", 302), ("member", 403), ("moderator", 200), ("admin", 200)])
def test_queue_over_the_role_matrix(board, other_member, roles, who, status):
    waiting = waiting_thread(board, other_member)
    client = Client() if who == "guest" else signed_in(roles[who])
    assert client.get(f"/moderation/approval/?board={board.pk}").status_code == status
    before = snapshot()
    response = client.post(f"/moderation/approval/?board={board.pk}",
                           {"floors": [waiting.floors.get().pk], "decision": "approve"})
    if status != 200:
        assert response.status_code == status and snapshot() == before
    else:
        assert not Thread.objects.get(pk=waiting.pk).is_waiting


def test_a_moderator_elsewhere_cannot_approve_through_the_queue(board, other_board, other_member, moderator):
    elsewhere = waiting_thread(other_board, other_member)
    client = signed_in(moderator)
    assert client.get(f"/moderation/approval/?board={other_board.pk}").status_code == 403
    assert "别处" not in client.get("/moderation/approval/").content.decode()
    before = snapshot()
    response = client.post("/moderation/approval/", {"floors": [elsewhere.floors.get().pk], "decision": "approve"})
    assert response.status_code == 403 and snapshot() == before
