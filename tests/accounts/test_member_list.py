"""会员列表 /members/: every column sortable both ways, search by name, pinyin and pinyin initials, the card's
credits from the wallets, 25 a page in two queries, and no address that makes it fail."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory

from luntan.accounts.models import Member
from luntan.accounts.names import name_initials, name_pinyin
from luntan.accounts.services import member_name_keys_rebuild
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200
    # Each name comes after its avatar: the small picture or the letter tile.
    avatar = r'(?:<img class="avatar-small" [^>]*>|<span class="avatar-letter avatar-small [^>]*>[^<]*</span>)'
    return re.findall(rf'<td class="name">{avatar}<a href="/user/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def named(db):
    return {n: MemberFactory(username=n) for n in ("乔吉奎", "乔丹", "张三", "Alice", "吕布")}


def test_pinyin_keys_follow_the_name():
    assert (name_pinyin("乔吉奎"), name_initials("乔吉奎")) == ("qiaojikui", "qjk")
    assert (name_pinyin("吕布Ab"), name_initials("吕布Ab")) == ("lvbuab", "lbab")  # ü typed as v; Latin kept
    assert name_initials("ＡＢＣ張三") == "abczs"  # as name_key folds width and case
    # Heteronyms: pypinyin's default reading (its phrase dictionary, else the usual reading).
    assert name_pinyin("重庆") == "chongqing"


@pytest.mark.parametrize(("typed", "found"), [
    ("qjk", ["乔吉奎"]), ("QJK", ["乔吉奎"]), ("qj", ["乔吉奎"]), ("qiao", ["乔吉奎", "乔丹"]),
    ("qiaoji", ["乔吉奎"]), ("乔", ["乔吉奎", "乔丹"]), ("乔吉", ["乔吉奎"]), ("ali", ["Alice"]),
    ("lvb", ["吕布"]), ("lb", ["吕布"]), (" zs ", ["张三"]), ("kui", []), ("吉", []),
])
def test_search_by_name_prefix_pinyin_and_initials(named, typed, found):
    assert _names(Client().get("/members/", {"q": typed})) == found


def test_renaming_a_member_renews_the_pinyin_keys(named):
    member = named["张三"]
    member.username = "李四"
    member.save(update_fields=["username"])
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("lisi", "ls")
    assert _names(Client().get("/members/", {"q": "zs"})) == []


def test_rebuild_refills_the_pinyin_keys(named):
    Member.objects.update(name_pinyin="", name_initials="")
    assert member_name_keys_rebuild(batch=2) == len(named)
    assert _names(Client().get("/members/", {"q": "qjk"})) == ["乔吉奎"]
    assert member_name_keys_rebuild() == 0  # nothing stale left


def test_columns_sort_both_ways_and_say_so():
    a, b, c = (MemberFactory(username=n) for n in ("阿三", "贝贝", "蔡蔡"))
    Member.objects.filter(pk=a.pk).update(post_count=5)
    Member.objects.filter(pk=b.pk).update(post_count=50)
    Member.objects.filter(pk=c.pk).update(post_count=1)
    down = Client().get("/members/", {"sort": "posts", "dir": "desc"})
    assert _names(down) == ["贝贝", "阿三", "蔡蔡"]
    html = down.content.decode()
    head = r'<th scope="col" class="num" aria-sort="descending">\s*<a href="/members/\?sort=posts&amp;dir=asc"'
    assert re.search(head, html)
    assert html.count("aria-sort=") == 1
    assert _names(Client().get("/members/", {"sort": "posts", "dir": "asc"})) == ["蔡蔡", "阿三", "贝贝"]
    # Names sort by their pinyin: a, b, c.
    assert _names(Client().get("/members/", {"sort": "name"})) == ["阿三", "贝贝", "蔡蔡"]
    assert _names(Client().get("/members/", {"sort": "name", "dir": "desc"})) == ["蔡蔡", "贝贝", "阿三"]


def test_credit_columns_show_wallets_and_the_initial_value_when_there_is_none():
    wealth = CreditType.objects.get(slot=1)  # 财富, initial 20
    rich, poor, new = (MemberFactory(username=n) for n in ("有钱人", "穷光蛋", "新来的"))
    credit_apply(changes=[Change(rich.pk, wealth.pk, 500)], operation=Operation.ADJUST)
    credit_apply(changes=[Change(poor.pk, wealth.pk, -15)], operation=Operation.ADJUST)
    response = Client().get("/members/", {"sort": "credit1", "dir": "desc"})
    assert _names(response) == ["有钱人", "新来的", "穷光蛋"]
    html = response.content.decode()
    assert re.search(r">财富<span aria-hidden=\"true\"> ▼</span></a>", html)
    row = html[html.index(">新来的<"):]
    assert re.search(r'<td class="num">20</td>', row[:row.index("</tr>")])


@pytest.mark.parametrize("query", [
    {"page": "abc"}, {"page": "-3"}, {"page": "99999999999999999999"}, {"sort": "evil", "dir": "sideways"},
    {"sort": "credit9"}, {"sort": "password"}, {"q": "\x00"}, {"q": "‮ɐ\u200b%_"},
    {"q": "a" * 5000}, {"q": "🙂"}, {"q": "'; drop table"},
])
def test_odd_addresses_fall_back_without_an_error(named, query):
    response = Client().get("/members/", query)
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%00%00", "page=%F0%9F%99%82", "sort=%00"])
def test_broken_encodings_in_the_address_fall_back_without_an_error(named, raw):
    assert Client().get(f"/members/?{raw}").status_code == 200


def test_like_wildcards_are_plain_characters(named):
    assert _names(Client().get("/members/", {"q": "%"})) == []
    assert _names(Client().get("/members/", {"q": "_"})) == []


def test_twenty_five_a_page_with_the_sites_pager():
    for i in range(27):
        MemberFactory(username=f"会员{i:02d}")
    first = Client().get("/members/")
    assert len(_names(first)) == 25
    assert 'href="/members/?page=2"' in first.content.decode()
    assert _names(Client().get("/members/", {"page": "2"})) == ["会员25", "会员26"]
    assert _names(Client().get("/members/", {"page": "999"})) == ["会员25", "会员26"]  # the last page
    # The pager keeps the sort and the search.
    html = Client().get("/members/", {"q": "hy", "sort": "posts"}).content.decode()
    assert 'href="/members/?page=2&amp;q=hy&amp;sort=posts"' in html


def _queries(url: str) -> int:
    Client().get(url)  # warm the kept tables (groups, credit types)
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    return len(captured)


def test_a_page_costs_the_same_queries_for_one_member_and_twenty_five(django_assert_max_num_queries):
    MemberFactory()
    one = _queries("/members/?sort=credit1")
    assert one <= 2
    for _ in range(30):
        MemberFactory()
    with django_assert_max_num_queries(one):
        assert Client().get("/members/?sort=credit1").status_code == 200


def test_the_menu_links_to_the_list(db):
    html = Client().get("/").content.decode()
    assert '<a href="/members/">会员列表</a>' in html
