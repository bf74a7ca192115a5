"""The search page (/search/): what a reader finds and how each hit reads, the filters form, member search,
and the header box that leads there."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from factories import MemberFactory
from helpers import signed_in

from luntan.accounts.groups import rules_for
from luntan.core import pagecache
from luntan.forum import services
from luntan.forum.models import BoardAccess, Floor, Thread
from luntan.forum.permissions import ACCESS_SCOPE

pytestmark = pytest.mark.django_db

HIT = re.compile(r'<h2 class="hit-title"><a href="([^"]+)">(.*?)</a>', re.S)


def hits(response) -> list[str]:
    """The titles of the hits on a results page, in order, as the reader sees them."""
    assert response.status_code == 200, response.content[:800]
    return [html.unescape(re.sub(r"<[^>]+>", "", title)) for _href, title in HIT.findall(response.content.decode())]


def links(response) -> list[str]:
    return [html.unescape(href) for href, _title in HIT.findall(response.content.decode())]


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def post(board, member):
    """post(title, body="...", by=member, on=board, ago=hours, digest=0): a thread, backdated; its first floor."""

    def make(title: str, body: str = "随便聊聊", *, by=None, on=None, ago: float = 0, digest: int = 0) -> Floor:
        floor = services.thread_create(author=by or member, board=on or board, title=title, source=body, fmt="bbcode")
        when = timezone.now() - timedelta(hours=ago)
        Floor.objects.filter(pk=floor.pk).update(created_at=when)
        Thread.objects.filter(pk=floor.thread_id).update(created_at=when, digest=digest)
        return floor

    return make


# --- Hits ----------------------------------------------------------------------------------------------------

def test_a_hit_shows_title_board_author_time_and_snippet_with_the_match_marked(client, post, board, member):
    floor = post("周末去香山看红叶", body="香山的红叶十月最好看,早点出门。")
    post("别的帖子", body="和香无关的内容")
    response = client.get("/search/", {"q": "红叶"})
    assert hits(response) == ["周末去香山看红叶"]
    page = response.content.decode()
    assert "周末去香山看<mark>红叶</mark>" in page
    assert "香山的<mark>红叶</mark>十月最好看" in page
    assert links(response) == [f"/thread/{floor.thread_id}/floor/1/"]
    assert f'href="/board/{board.pk}/">{board.name}</a>' in page
    assert f'href="/user/{member.pk}/">{member.username}</a>' in page
    assert "<time datetime=" in page
    assert "找到 1 条结果" in text(response)


def test_a_reply_links_to_its_own_floor(client, post, other_member):
    floor = post("装机求助")
    reply = services.post_reply(author=other_member, thread=floor.thread, source="显卡买 4060 就够了", fmt="bbcode")
    response = client.get("/search/", {"q": "显卡"})
    assert links(response) == [f"/thread/{floor.thread_id}/floor/{reply.number}/"]
    # Following the link lands on that floor.
    assert client.get(links(response)[0]).url == f"/thread/{floor.thread_id}/#floor-{reply.number}"


def test_what_members_wrote_is_escaped_and_only_matches_are_marked(client, post):
    post('<script>alert("红叶")</script><mark>假高亮</mark>', body="<img src=x onerror=alert(1)> 红叶")
    page = client.get("/search/", {"q": "红叶"}).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;<mark>红叶</mark>&#34;)&lt;/script&gt;&lt;mark&gt;假高亮&lt;/mark&gt;" in page
    assert page.count("<mark>") == 2  # the title's match and the snippet's, nothing typed by the member


def test_ten_hits_a_page_and_the_pager_keeps_the_search(client, post, board):
    for i in range(12):
        post(f"爬山路线第{i}条", ago=i)
    first = client.get("/search/", {"q": "爬山", "sort": "newest"})
    assert hits(first) == [f"爬山路线第{i}条" for i in range(10)]
    assert "找到 12 条结果" in text(first)
    assert 'href="/search/?page=2&amp;q=%E7%88%AC%E5%B1%B1&amp;sort=newest"' in first.content.decode()
    second = client.get("/search/", {"q": "爬山", "sort": "newest", "page": "2"})
    assert hits(second) == ["爬山路线第10条", "爬山路线第11条"]


def test_when_more_posts_match_than_are_ranked_the_page_says_so(client, post, monkeypatch):
    for i in range(4):
        post(f"火锅店第{i}家", ago=i)
    monkeypatch.setattr("luntan.search.backends.indexed.CANDIDATES", 3)
    monkeypatch.setattr("luntan.search.backends.fts5.Fts5Backend.candidates", 3)
    monkeypatch.setattr("luntan.search.backends.postgres.PostgresBackend.candidates", 3)
    page = text(client.get("/search/", {"q": "火锅"}))
    assert "这些是其中最新的 3 条" in page
    assert "这些是其中最新的" not in text(client.get("/search/", {"q": "火锅店第0家"}))


@pytest.mark.parametrize(("page", "shown"), [("99", 2), ("abc", 10), ("-3", 10), ("1e9", 10), ("", 10)])
def test_page_numbers_that_are_not_there_show_the_last_or_first_page(client, post, page, shown):
    for i in range(12):
        post(f"爬山路线第{i}条", ago=i)
    assert len(hits(client.get("/search/", {"q": "爬山", "page": page}))) == shown


def test_sort_by_time_puts_the_newest_first(client, post):
    post("旧的爬山帖", ago=48)
    post("新的爬山帖", ago=1)
    post("中间的爬山帖", ago=24)
    assert hits(client.get("/search/", {"q": "爬山", "sort": "newest"})) == ["新的爬山帖", "中间的爬山帖", "旧的爬山帖"]


# --- Filters -------------------------------------------------------------------------------------------------

def test_filter_by_board_includes_its_sub_boards(client, post, board, other_board):
    from luntan.forum.models import Board

    child = Board.objects.create(category=board.category, parent=board, name="户外")
    post("灌水区的爬山帖")
    post("子版块的爬山帖", on=child)
    post("硬件区的爬山帖", on=other_board)
    found = hits(client.get("/search/", {"q": "爬山", "board": board.pk}))
    assert sorted(found) == ["子版块的爬山帖", "灌水区的爬山帖"]
    assert hits(client.get("/search/", {"q": "爬山", "board": other_board.pk})) == ["硬件区的爬山帖"]


def test_the_board_list_offers_only_boards_the_reader_may_read_by_category(client, board, other_board,
                                                                          django_capture_on_commit_callbacks):
    BoardAccess.objects.create(board=other_board, group_id=rules_for(AnonymousUser()).group_id, can_read=False)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(ACCESS_SCOPE)
    page = client.get("/search/").content.decode()
    offered = f'<option value="{board.pk}">{board.name}</option>'
    assert f'<optgroup label="{board.category.name}">{offered}</optgroup>' in page
    assert other_board.name not in page
    refused = client.get("/search/", {"q": "爬山", "board": other_board.pk})
    assert refused.status_code == 400
    assert "没有这个版块，或你无权查看。" in text(refused)


def test_filter_by_author_name(client, post, member, other_member):
    post("我的爬山帖")
    post("别人的爬山帖", by=other_member)
    assert hits(client.get("/search/", {"q": "爬山", "author": other_member.username})) == ["别人的爬山帖"]


def test_filter_by_days_counts_whole_days_in_site_time(client, post):
    post("上周的爬山帖", ago=24 * 7)
    post("今天的爬山帖", ago=0)
    today = timezone.localdate()
    week_ago = today - timedelta(days=7)
    assert hits(client.get("/search/", {"q": "爬山", "since": today.isoformat()})) == ["今天的爬山帖"]
    assert hits(client.get("/search/", {"q": "爬山", "until": week_ago.isoformat()})) == ["上周的爬山帖"]
    both = client.get("/search/", {"q": "爬山", "since": week_ago.isoformat(), "until": today.isoformat()})
    assert sorted(hits(both)) == ["上周的爬山帖", "今天的爬山帖"]


def test_titles_only_and_digest_only(client, post):
    post("爬山装备清单", body="登山杖和水", digest=1)
    post("周末去哪", body="想去爬山")
    assert hits(client.get("/search/", {"q": "爬山", "title_only": "1"})) == ["爬山装备清单"]
    assert hits(client.get("/search/", {"q": "登山杖", "digest_only": "1"})) == ["爬山装备清单"]
    assert hits(client.get("/search/", {"q": "想去", "digest_only": "1"})) == []


def test_the_form_keeps_everything_typed_and_opens_the_filters(client, post, board, other_member):
    page = client.get("/search/", {"q": '"周末 爬山" -广告', "board": board.pk, "author": other_member.username,
                                   "since": "2024-05-01", "until": "2030-01-31", "title_only": "1",
                                   "digest_only": "1", "sort": "newest"}).content.decode()
    assert 'value="&#34;周末 爬山&#34; -广告"' in page
    assert f'<option value="{board.pk}" selected>' in page
    assert f'value="{other_member.username}"' in page
    assert 'value="2024-05-01"' in page and 'value="2030-01-31"' in page
    assert 'name="title_only" value="1" checked' in page and 'name="digest_only" value="1" checked' in page
    assert '<option value="newest" selected>' in page
    assert '<details class="search-filters" open>' in page


def test_a_plain_search_leaves_the_filters_folded_and_says_how_to_use_operators(client, post):
    page = text(client.get("/search/", {"q": "爬山"}))
    assert '<details class="search-filters">' in page
    assert "加引号搜整个短语" in page and "-广告" in page and "OR" in page


# --- Bad input -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field", "message"), [
    ({"q": "爬山" * 500}, "q", "搜索内容太长：最多 200 个字符（你输入了 1000 个）。"),
    ({"q": "爬山", "author": "没有这个人"}, "author", "没有名为“没有这个人”的会员。"),
    ({"q": "爬山", "since": "2024-13-45"}, "since", "请按 2024-05-01 的格式输入日期。"),
    ({"q": "爬山", "until": "昨天"}, "until", "请按 2024-05-01 的格式输入日期。"),
    ({"q": "爬山", "since": "0001-01-01"}, "since", "请选择 1970-01-01 到 2999-12-31 之间的日期。"),
    ({"q": "爬山", "since": "2024-05-02", "until": "2024-05-01"}, "until", "结束日期早于开始日期。"),
    ({"q": "爬山", "board": "99999"}, "board", "没有这个版块，或你无权查看。"),
    ({"q": "爬山", "board": "abc"}, "board", "没有这个版块，或你无权查看。"),
    ({"q": "爬山", "sort": "evil"}, "sort", "请按相关度或按时间排序。"),
])
def test_bad_filters_are_a_message_beside_their_field_and_nothing_is_searched(client, post, params, field,
                                                                               message):
    post("爬山的帖子")
    response = client.get("/search/", params)
    assert response.status_code == 400
    page = text(response)
    assert f'id="id_{field}-errors"' in page and 'aria-invalid="true"' in page
    assert message in page
    assert hits_in(page) == []
    assert f'value="{html.unescape(params["q"])}"' in page or field == "q"  # what was typed stays


def hits_in(page: str) -> list:
    return HIT.findall(page)


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b"])
def test_an_empty_search_asks_what_to_look_for(client, post, typed):
    from django.utils.translation import gettext, override

    post("爬山的帖子")
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 200
    with override("zh-hans"):
        assert gettext("Type what you are looking for.") in text(response)
    assert hits(response) == []


@pytest.mark.parametrize("typed", ["爬", "-", "OR", '"', '""', '-"', "-爬山", '"爬山', "OR OR -", "*", "%", "_",
                                   "'; DROP TABLE forum_floor; --", "爬\x07山", "\x1b[31m爬山", "爬\u202e山"])
def test_odd_searches_answer_with_a_page_never_an_error(client, post, typed):
    post("爬山的帖子")
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 200
    assert 'role="status"' in response.content.decode()


def test_control_characters_are_dropped_from_the_search(client, post):
    post("爬山的帖子", body="周末 一起爬 山")
    page = client.get("/search/", {"q": "爬\x07山"}).content.decode()
    assert 'value="爬 山"' in page  # the bell became a space: two words, both found


def test_a_null_character_is_refused_with_a_message(client, post):
    response = client.get("/search/", {"q": "爬\x00山"})
    assert response.status_code == 400
    assert 'id="id_q-errors"' in response.content.decode()


def test_search_is_get_only(client):
    assert client.post("/search/", {"q": "爬山"}).status_code == 405


# --- Members -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["乔吉", "qiao", "qjk", "QJK"])
def test_members_are_found_by_name_pinyin_or_initials_and_linked_to_profiles(client, typed):
    found = MemberFactory(username="乔吉奎")
    MemberFactory(username="王大锤")
    response = client.get("/search/", {"kind": "members", "q": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="/user/{found.pk}/" class="member-name">乔吉奎</a>' in page
    assert "王大锤" not in page


def test_a_name_typed_in_full_comes_first(client):
    MemberFactory(username="张三丰")
    exact = MemberFactory(username="张三")
    page = client.get("/search/", {"kind": "members", "q": "张三"}).content.decode()
    assert page.index(f'/user/{exact.pk}/" class="member-name"') < page.index("张三丰")


def test_member_search_with_nothing_or_junk_typed(client):
    found = MemberFactory(username="乔吉奎")
    for typed in ("", "\x00\x07", "~~~", "乔" * 1000):
        response = client.get("/search/", {"kind": "members", "q": typed, "page": "abc"})
        assert response.status_code == 200
        assert f"/user/{found.pk}/" not in response.content.decode()
        assert "\x00" not in response.content.decode()


def test_the_tabs_carry_the_search_across(client):
    page = client.get("/search/", {"q": "乔吉"}).content.decode()
    assert 'href="/search/?kind=members&amp;q=%E4%B9%94%E5%90%89"' in page
    page = client.get("/search/", {"kind": "members", "q": "乔吉"}).content.decode()
    assert 'href="/search/?q=%E4%B9%94%E5%90%89"' in page


# --- The header box ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["/", "/members/", "/search/"])
def test_every_page_has_a_labelled_search_box_in_its_header(client, address, board):
    page = client.get(address).content.decode()
    header = page[page.index('<header class="site-header">'):page.index("</header>")]
    assert '<form class="header-search" method="get" action="/search/" role="search" aria-label="全站搜索">' in header
    assert '<label for="header-q" class="sr-only">搜索帖子</label>' in header
    assert '<input type="search" id="header-q" name="q"' in header


def test_search_is_not_in_the_site_menu(client, board):
    page = client.get("/").content.decode()
    menu = page[page.index('<nav class="menu"'):page.index("</nav>", page.index('<nav class="menu"'))]
    assert "/search/" not in menu


def test_a_signed_in_member_sees_the_same_page(member, post):
    post("爬山的帖子")
    assert hits(signed_in(member).get("/search/", {"q": "爬山"})) == ["爬山的帖子"]


def test_the_sort_links_keep_the_search_and_filters(client, post, board):
    post("爬山的帖子")
    page = client.get("/search/", {"q": "爬山", "board": board.pk, "page": "1"}).content.decode()
    newest = f"/search/?q=%E7%88%AC%E5%B1%B1&amp;board={board.pk}&amp;sort=newest"
    assert f'<a href="{newest}">发帖时间（最新在前）</a>' in page
    assert '<span class="current" aria-current="true">相关度</span>' in page
