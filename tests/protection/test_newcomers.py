"""New members (新会员: in their first hours, or in a group the admin names) may start only so many threads
and post only so many replies a day, and may post no link or image until they have a few posts; a refusal
says why, keeps what they typed and writes nothing. Administrators, moderators and the site's own commands
are never held by these rules."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from factories import MemberFactory, group_for
from helpers import Clock

from luntan.accounts.models import Member, MemberGroup
from luntan.core import pagecache
from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.protection import newcomers, throttle
from luntan.protection.models import NewcomerRules

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0  # 2027-01-15 08:00 UTC, 16:00 in Shanghai: 8 hours to the site's midnight
TO_MIDNIGHT = 8 * 3600


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "now", found)
    return found


@pytest.fixture
def rules(db) -> NewcomerRules:
    found = NewcomerRules.objects.create(pk=1, hours=24, threads_per_day=2, replies_per_day=3, links_after_posts=5)
    pagecache.bump_now(newcomers.SCOPE)  # as the admin's save announces it: no process keeps the old rules
    return found


@pytest.fixture
def newcomer(clock, rules) -> Member:
    """Registered an hour ago."""
    return MemberFactory(date_joined=clock.at() - timedelta(hours=1))


@pytest.fixture
def regular(clock, rules) -> Member:
    """Registered two days ago, and has never posted."""
    return MemberFactory(date_joined=clock.at() - timedelta(days=2))


def visitor(member, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(member)
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def new_thread(client: Client, board, n: int, source: str = "", fmt: str = "bbcode"):
    return client.post(f"/thread/new/?board={board.pk}", {"title": f"新人报到{n}", "source": source or f"大家好{n}",
                                                          "format": fmt, "submission_key": f"t{n}"})


def reply(client: Client, thread, n: int, source: str = "", fmt: str = "bbcode"):
    return client.post(f"/thread/{thread.pk}/reply/", {"source": source or f"路过支持{n}", "format": fmt,
                                                       "submission_key": f"r{n}"})


# --- Caps a day ---------------------------------------------------------------------------------------------------

def test_a_new_member_starts_only_so_many_threads_a_day(clock, newcomer, board):
    client = visitor(newcomer)
    assert [new_thread(client, board, n).status_code for n in range(2)] == [302, 302]
    refused = new_thread(client, board, 2, source="第三个主题的内容")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(TO_MIDNIGHT)  # until the site's midnight
    text = page(refused)
    assert "新会员每天最多发 2 个主题，请明天再来。" in text
    assert "第三个主题的内容" in text and 'value="新人报到2"' in text  # nothing typed is lost
    assert Thread.objects.filter(author=newcomer).count() == 2
    clock.time += TO_MIDNIGHT  # a new day (and the member is still new: 9 hours old)
    assert new_thread(client, board, 3).status_code == 302


def test_a_new_member_posts_only_so_many_replies_a_day(clock, newcomer, thread):
    client = visitor(newcomer)
    assert [reply(client, thread, n).status_code for n in range(3)] == [302] * 3
    refused = reply(client, thread, 3, source="还想再说一句")
    assert refused.status_code == 429 and refused["Retry-After"] == str(TO_MIDNIGHT)
    assert "新会员每天最多发 3 个回复，请明天再来。" in page(refused) and "还想再说一句" in page(refused)
    assert Floor.objects.filter(author=newcomer).count() == 3
    # Threads are counted apart from replies.
    assert new_thread(client, thread.board, 9).status_code == 302


def test_after_the_first_hours_the_caps_are_lifted(clock, newcomer, thread):
    client = visitor(newcomer)
    for n in range(3):
        reply(client, thread, n)
    assert reply(client, thread, 3).status_code == 429
    clock.time += 24 * 3600  # the member is a day and an hour old
    assert [reply(client, thread, n).status_code for n in range(4, 10)] == [302] * 6


def test_a_member_of_a_new_member_group_is_new_whatever_their_age(clock, rules, regular, thread):
    client = visitor(regular)
    assert [reply(client, thread, n).status_code for n in range(4)] == [302] * 4  # not new by age
    rules.groups.set([regular.group])
    pagecache.bump_now(newcomers.SCOPE)
    assert newcomers.is_newcomer(Member.objects.get(pk=regular.pk))
    assert [reply(client, thread, n).status_code for n in range(4, 8)] == [302, 302, 302, 429]


@pytest.mark.parametrize("role", [MemberGroup.Role.MODERATOR, MemberGroup.Role.SUPER_MODERATOR,
                                  MemberGroup.Role.ADMIN])
def test_moderators_and_administrators_are_never_new_members(role, clock, rules, board):
    staff = MemberFactory(group=group_for(role), date_joined=clock.at())
    client = visitor(staff)
    assert [new_thread(client, board, n).status_code for n in range(3)] == [302] * 3
    assert new_thread(client, board, 5, source="[url=https://example.com]官网[/url]").status_code == 302


def test_the_site_s_own_commands_are_not_held(clock, newcomer, board):
    for n in range(4):  # no address: a command, the demo
        forum.thread_create(author=newcomer, board=board, title=f"导入{n}", source="[img]https://example.com/a.png[/img]",
                            fmt="bbcode")
    assert Thread.objects.filter(author=newcomer).count() == 4


def test_empty_caps_mean_no_cap(clock, rules, newcomer, thread):
    rules.replies_per_day = None
    rules.save()
    pagecache.bump_now(newcomers.SCOPE)
    client = visitor(newcomer)
    assert [reply(client, thread, n).status_code for n in range(6)] == [302] * 6


# --- Links and images ---------------------------------------------------------------------------------------------

LINKS = [
    ("bbcode", "看这里 [url=https://example.com/cheap]便宜货[/url] 呀", "链接"),
    ("bbcode", "[url]http://spam.example.cn[/url]", "链接"),
    ("bbcode", "图 [img]https://example.com/a.png[/img]", "图片"),
    ("markdown", "看 [便宜货](https://example.com/cheap) 呀", "链接"),
    ("markdown", "<https://example.com>", "链接"),
    ("markdown", "![图](https://example.com/a.png)", "图片"),
    ("markdown", "[链接](https://example.com) 和 ![图](https://example.com/a.png)", "链接和图片"),
    ("bbcode", "[url=mailto:sale@example.com]来信[/url]", "链接"),
    # An address written as text is what a spammer's readers copy: it counts as a link.
    ("bbcode", "网址是 https://example.com 自己复制", "链接"),
    ("markdown", "`www.example.com`", "链接"),
    ("bbcode", "低价代购 shop-888.top 加微信", "链接"),
]


@pytest.mark.parametrize(("fmt", "source", "what"), LINKS)
def test_a_new_member_s_link_or_image_is_refused_and_the_text_kept(fmt, source, what, clock, newcomer, thread):
    client = visitor(newcomer)
    refused = reply(client, thread, 1, source=source, fmt=fmt)
    assert refused.status_code == 400
    text = page(refused)
    assert f"新会员发帖满 5 篇后才能发{what}，你现在有 0 篇。请先去掉它们，其余内容已为你保留。" in text
    assert source in text  # in the text box, as typed
    assert not Floor.objects.filter(author=newcomer).exists()
    refused = new_thread(client, thread.board, 1, source=source, fmt=fmt)
    assert refused.status_code == 400 and source in page(refused)
    assert not Thread.objects.filter(author=newcomer).exists()


@pytest.mark.parametrize(("fmt", "source"), [
    ("bbcode", "Python 3.12 的 settings.py 改好了, 用时 2.5 小时"),  # dots that are not addresses
    ("bbcode", "见 [url=/thread/1/]这个帖子[/url]"),  # a page of this site
    ("markdown", "[javascript](javascript:alert(1))"),  # refused by the markup: shown as text
    ("bbcode", "[quote=张三]说得好[/quote]好的"),
])
def test_text_without_links_or_images_passes(fmt, source, clock, newcomer, thread):
    assert reply(visitor(newcomer), thread, 1, source=source, fmt=fmt).status_code == 302


def test_links_are_allowed_once_the_member_has_enough_posts(clock, newcomer, thread):
    client = visitor(newcomer)
    assert reply(client, thread, 1, source="[url=https://example.com]官网[/url]").status_code == 400
    Member.objects.filter(pk=newcomer.pk).update(post_count=5)
    assert reply(client, thread, 2, source="[url=https://example.com]官网[/url]").status_code == 302


def test_links_are_allowed_after_the_first_hours(clock, newcomer, regular, thread):
    assert reply(visitor(regular), thread, 1, source="[img]https://example.com/a.png[/img]").status_code == 302
    clock.time += 24 * 3600
    assert reply(visitor(newcomer), thread, 2, source="[img]https://example.com/a.png[/img]").status_code == 302


def test_a_link_cannot_come_in_through_an_edit(clock, newcomer, thread):
    client = visitor(newcomer)
    assert reply(client, thread, 1, source="先发一句普通的话").status_code == 302
    floor = Floor.objects.get(author=newcomer)
    refused = client.post(f"/floor/{floor.pk}/edit/", {"source": "改成 [url=https://example.com]广告[/url]",
                                                       "format": "bbcode"})
    assert refused.status_code == 400 and "改成 [url=https://example.com]广告[/url]" in page(refused)
    floor.refresh_from_db()
    assert floor.source == "先发一句普通的话"


def test_zero_posts_needed_means_links_at_once(clock, rules, newcomer, thread):
    rules.links_after_posts = 0
    rules.save()
    pagecache.bump_now(newcomers.SCOPE)
    assert reply(visitor(newcomer), thread, 1, source="[url=https://example.com]官网[/url]").status_code == 302


def test_the_links_finder_reads_cooked_html():
    assert newcomers.links_and_images('<p><a href="https://x.cn">x</a> <img src="/media/a.png"></p>') == (1, 1)
    assert newcomers.links_and_images('<p><a href="/thread/2/">帖</a></p>') == (0, 0)
    assert newcomers.links_and_images('<p><a href="//evil.example">x</a></p>') == (1, 0)
    # An address written as text counts too (readers copy it); a link's own text is not counted twice.
    assert newcomers.links_and_images("<p>看这里 https://x.cn 和 www.example.org 还有 shop123.top</p>") == (3, 0)
    assert newcomers.links_and_images('<p><a href="https://x.cn">https://x.cn</a></p>') == (1, 0)
    assert newcomers.links_and_images("<p>版本 3.11 的 settings.py 文件, 约 2.5 小时</p>") == (0, 0)


def test_without_the_admin_s_row_the_model_s_defaults_hold(clock, board):
    fresh = MemberFactory(date_joined=clock.at())
    client = visitor(fresh)
    assert new_thread(client, board, 1, source="[url=https://example.com]官网[/url]").status_code == 400
    assert [new_thread(client, board, n).status_code for n in range(2, 6)] == [302, 302, 302, 429]
