"""最新帖子 (/latest/) and 精华区 (/digest/): each list's content and order, what never appears, bad input."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone
from factories import MemberFactory

from luntan.accounts.groups import rules_for
from luntan.core import pagecache
from luntan.core.menu import site_menu
from luntan.forum.models import BoardAccess, Thread, ThreadType
from luntan.forum.permissions import ACCESS_SCOPE
from luntan.latest import queries

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """The thread titles of a list page, in order."""
    assert response.status_code == 200, response.content[:500]
    return re.findall(r'class="thread-title[^"]*">([^<]*)<', response.content.decode())


def latest(client, tab: str = "", **params) -> list[str]:
    query = {**({"tab": tab} if tab else {}), **params}
    return titles(client.get("/latest/", query))


def group_of(member) -> int:
    """The member's group as it is now: posting earns credits, and credits move a member up the levels."""
    member.refresh_from_db()
    return rules_for(member).group_id


def hide_board_from(board, *groups, django_capture_on_commit_callbacks) -> None:
    for group_id in groups:
        BoardAccess.objects.create(board=board, group_id=group_id, can_see=False)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(ACCESS_SCOPE)


# --- Each tab's content and order ---------------------------------------------------------------------------

def test_newest_lists_threads_newest_first_across_boards(client, post, other_board):
    post("三天前的帖子", ago=72)
    post("刚发的帖子", ago=0.1, on=other_board)
    post("昨天的帖子", ago=24, replies=2)
    assert latest(client) == ["刚发的帖子", "昨天的帖子", "三天前的帖子"]
    assert latest(client, "new") == ["刚发的帖子", "昨天的帖子", "三天前的帖子"]


def test_latest_replies_lists_replied_threads_by_last_reply(client, post):
    old = post("老帖新回复", ago=100, replies=1)
    post("没人回的帖子", ago=1)
    post("昨天回过的帖子", ago=30, replies=1)
    Thread.objects.filter(pk=old.pk).update(last_reply_at=timezone.now() - timedelta(minutes=5))
    assert latest(client, "reply") == ["老帖新回复", "昨天回过的帖子"]


def test_sofa_lists_only_threads_without_replies_newest_first(client, post):
    post("有回复的", ago=1, replies=1)
    post("等沙发一", ago=5)
    post("等沙发二", ago=2)
    assert latest(client, "sofa") == ["等沙发二", "等沙发一"]


def test_hot_orders_by_heat_and_older_threads_cool_down(client, post):
    # The same replies are worth less with age; a week-old thread needs far more than an hour-old one.
    post("一小时前五个回复", ago=1, replies=5)
    post("两天前五个回复", ago=48, replies=5)
    post("两天前很多浏览和回复", ago=48, replies=5, view_count=20000, mood_count=20, like_count=30)
    post("一小时前只有一个回复", ago=1, replies=1)
    post("冷清的帖子", ago=2)  # below the minimum heat: not hot at all
    post("八天前的热帖", ago=8 * 24, replies=9, view_count=10000)  # outside the window
    assert latest(client, "hot") == ["两天前很多浏览和回复", "一小时前五个回复", "一小时前只有一个回复",
                                     "两天前五个回复"]


def test_hot_ranking_is_kept_and_a_thread_deleted_since_drops_out_at_once(
        client, post, moderator, django_capture_on_commit_callbacks):
    from luntan.forum import services

    doomed = post("马上被删的热帖", ago=1, replies=8)
    post("普通热帖", ago=1, replies=3)
    assert latest(client, "hot") == ["马上被删的热帖", "普通热帖"]
    later = post("后来的热帖", ago=0.5, replies=9)
    with django_capture_on_commit_callbacks(execute=True):  # the delete commits and bumps the site's pages
        services.thread_delete(member=moderator, thread=doomed)
    # The ranking is kept for a few minutes: the newcomer waits for the next one; the deleted thread is gone.
    assert latest(client, "hot") == ["普通热帖"]
    from django.core.cache import cache

    cache.delete(f"latest:hot:{queries.board_set_key(frozenset({later.board_id}))}")  # its time is up
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump("site")
    assert latest(client, "hot") == [later.title, "普通热帖"]


def test_my_threads_are_the_readers_own_with_their_state(member_client, member, other_member, post):
    post("我的普通帖", ago=3)
    post("我的待审核帖", ago=2, is_waiting=True)
    post("我的被关闭帖", ago=1, is_closed=True)
    post("我被删除的帖", ago=1, is_deleted=True)
    post("别人的帖子", ago=0.5, by=other_member)
    response = member_client.get("/latest/", {"tab": "mine"})
    assert titles(response) == ["我的被关闭帖", "我的待审核帖", "我的普通帖"]
    page = response.content.decode()
    assert "待审核" in page and "已关闭" in page
    # A closed thread is hidden from members: its title is shown, not linked.
    closed = Thread.objects.get(title="我的被关闭帖")
    assert f'/thread/{closed.pk}/"' not in page


def test_my_threads_asks_a_guest_to_sign_in(client, post):
    post("某人的帖子")
    response = client.get("/latest/", {"tab": "mine"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "/login/?next=" in page and "某人的帖子" not in page


def test_my_threads_is_never_kept_for_another_reader(member, other_member, post):
    from helpers import signed_in

    post("甲的帖子", by=member)
    post("乙的帖子", by=other_member)
    assert latest(signed_in(member), "mine") == ["甲的帖子"]
    assert latest(signed_in(other_member), "mine") == ["乙的帖子"]


def test_rows_show_type_prefix_highlight_board_author_counts_and_tags(client, post, board, member):
    kind = ThreadType.objects.create(board=board, name="求助")
    thread = post("高亮加粗的精华", ago=1, replies=2, thread_type=kind, highlight="red", highlight_bold=True,
                  digest=2, sticky=1, view_count=77)
    page = client.get("/latest/").content.decode()
    assert "[求助]" in page
    assert re.search(r'class="thread-title hl-red bold">高亮加粗的精华<', page)
    assert f'href="/board/{board.pk}/">{board.name}</a>' in page
    assert member.username in page and "2/77" in page
    assert "精华 II" in page and "置顶" in page
    assert f"/thread/{thread.pk}/" in page


def test_an_expired_sticky_shows_no_sticky_tag(client, post):
    post("过期了", sticky=1, sticky_until=timezone.now() - timedelta(hours=1))
    assert "置顶" not in client.get("/latest/").content.decode().split("<tbody>")[1]


# --- What never appears ------------------------------------------------------------------------------------------

HIDDEN = {"已删除的帖子": {"is_deleted": True}, "已关闭的帖子": {"is_closed": True},
          "待审核的帖子": {"is_waiting": True}}


@pytest.fixture
def hidden_threads(post, board, other_board, member, django_capture_on_commit_callbacks):
    """One of each kind of thread no list may show, all hot, digest and replied, plus one visible thread."""
    shown = post("看得见的帖子", ago=1, replies=4, digest=1)
    for title, fields in HIDDEN.items():
        post(title, ago=1, replies=4, digest=1, **fields)
    post("已移动的帖子", ago=1, replies=4, digest=1, moved_to=shown)
    post("隐藏版块的帖子", ago=1, replies=4, digest=1, on=other_board)
    guest_group = rules_for(AnonymousUser()).group_id
    hide_board_from(other_board, guest_group, group_of(member),
                    django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    return shown


@pytest.mark.parametrize("address", ["/latest/", "/latest/?tab=reply", "/latest/?tab=hot", "/digest/",
                                     "/digest/?level=1"])
@pytest.mark.parametrize("reader", ["guest", "member"])
def test_hidden_deleted_closed_waiting_and_moved_threads_never_appear(hidden_threads, address, reader,
                                                                      member_client):
    client = member_client if reader == "member" else Client()
    assert titles(client.get(address)) == ["看得见的帖子"]


def test_sofa_shows_none_of_the_hidden_kinds(client, post, other_board, member, django_capture_on_commit_callbacks):
    post("看得见的沙发")
    for title, fields in HIDDEN.items():
        post(title, **fields)
    post("隐藏版块的沙发", on=other_board)
    hide_board_from(other_board, rules_for(AnonymousUser()).group_id,
                    django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert latest(client, "sofa") == ["看得见的沙发"]


def test_a_board_hidden_from_guests_is_still_listed_for_members_who_see_it(
        client, member_client, post, other_board, django_capture_on_commit_callbacks):
    post("会员版块的帖子", on=other_board)
    hide_board_from(other_board, rules_for(AnonymousUser()).group_id,
                    django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert latest(client) == []
    assert latest(member_client) == ["会员版块的帖子"]


def test_my_threads_leave_out_boards_the_reader_may_no_longer_see(
        member_client, member, post, other_board, django_capture_on_commit_callbacks):
    post("还看得见")
    post("版块被隐藏了", on=other_board)
    hide_board_from(other_board, group_of(member),
                    django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert latest(member_client, "mine") == ["还看得见"]


# --- 精华区 -----------------------------------------------------------------------------------------------------

def test_digest_lists_digest_threads_across_boards_newest_first(client, post, other_board):
    post("精华一", ago=30, digest=1)
    post("不是精华", ago=1)
    post("精华三", ago=2, digest=3, on=other_board)
    post("精华二", ago=10, digest=2)
    assert titles(client.get("/digest/")) == ["精华三", "精华二", "精华一"]


def test_digest_filters_by_board_and_by_level(client, post, board, other_board):
    post("本版精华一", digest=1, ago=3)
    post("本版精华三", digest=3, ago=2)
    post("别版精华三", digest=3, on=other_board, ago=1)
    assert titles(client.get("/digest/", {"board": board.pk})) == ["本版精华三", "本版精华一"]
    assert titles(client.get("/digest/", {"level": 3})) == ["别版精华三", "本版精华三"]
    assert titles(client.get("/digest/", {"board": board.pk, "level": 1})) == ["本版精华一"]
    page = client.get("/digest/", {"board": other_board.pk}).content.decode()
    assert f'<option value="{other_board.pk}" selected>' in page


def test_the_digest_filter_does_not_offer_hidden_boards(client, post, other_board, django_capture_on_commit_callbacks):
    hide_board_from(other_board, rules_for(AnonymousUser()).group_id,
                    django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    page = client.get("/digest/").content.decode()
    assert other_board.name not in page
    # Asked for by its id, it is answered as a missing board is.
    missing = client.get("/digest/", {"board": 999999})
    hidden = client.get("/digest/", {"board": other_board.pk})
    assert hidden.status_code == missing.status_code == 404
    assert "没有这个版块" in hidden.content.decode()


# --- Bad input: a clear answer, never a 500 -------------------------------------------------------------------

@pytest.mark.parametrize("address", ["/latest/?tab=nope", "/latest/?tab=%E7%83%AD", "/digest/?level=4",
                                     "/digest/?level=abc", "/digest/?board=abc", "/digest/?board=-1",
                                     "/digest/?board=99999999999999999999"])
def test_unknown_tab_board_or_level_says_so(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert "<h1>" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1e9", "９", ""])
def test_a_page_that_is_not_a_number_is_the_first(client, post, page):
    post("唯一的帖子")
    assert latest(client, page=page) == ["唯一的帖子"]


def test_a_page_past_the_end_is_the_last(client, post, settings):
    settings.LUNTAN = {**settings.LUNTAN, "THREADS_PER_PAGE": 2}
    for i in range(5):
        post(f"帖子{i}", ago=10 - i)
    assert latest(client, page=99) == ["帖子0"]
    assert latest(client, "sofa", page=2) == ["帖子2", "帖子1"]
    assert titles(client.get("/digest/", {"page": 5})) == []


def test_lists_show_a_bounded_number_of_pages(post, settings):
    settings.LUNTAN = {**settings.LUNTAN, "THREADS_PER_PAGE": 2}
    for i in range(5):
        post(f"帖子{i}")
    from luntan.forum.permissions import visible_board_ids

    boards = visible_board_ids(AnonymousUser())
    assert queries.newest(boards, "1").pages.count == 3
    queries_max = queries.MAX_LISTED
    try:
        queries.MAX_LISTED = 3
        assert queries.newest(boards, "9").pages.count == 2
    finally:
        queries.MAX_LISTED = queries_max


# --- Queries: constant whatever the page size ------------------------------------------------------------------

def _fresh_caches() -> None:
    from helpers import clear_cache

    from luntan.core import localcache

    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()


@pytest.mark.parametrize("address", ["/latest/", "/latest/?tab=reply", "/latest/?tab=hot", "/latest/?tab=sofa",
                                     "/latest/?tab=mine", "/digest/"])
def test_each_list_costs_the_same_queries_for_one_thread_or_twenty(member_client, member, post, board, address,
                                                                    other_board, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    replies = 0 if "sofa" in address else 2
    kind = ThreadType.objects.create(board=board, name="分享")
    post("第一个", replies=replies, digest=1, thread_type=kind)
    _fresh_caches()
    with CaptureQueriesContext(connection) as one:
        assert len(titles(member_client.get(address))) == 1
    for i in range(19):
        post(f"帖子{i}", replies=replies, digest=1 + i % 3, thread_type=kind if i % 2 else None,
             on=other_board if i % 3 else board, by=member if "mine" in address else MemberFactory())
    _fresh_caches()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(titles(member_client.get(address))) == 20


# --- The site menu -------------------------------------------------------------------------------------------------

def test_both_pages_are_in_the_site_menu_in_order():
    menu = site_menu()
    assert ("/latest/", "最新帖子") in menu and ("/digest/", "精华区") in menu
    assert menu.index(("/latest/", "最新帖子")) < menu.index(("/digest/", "精华区"))


def test_pages_link_their_feeds(client):
    for address, feed in (("/latest/", "/latest/feed/"), ("/digest/", "/digest/feed/")):
        page = client.get(address).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in page
        assert f'href="{feed}"' in page
        assert f'class="feed" href="{feed}"' in page
