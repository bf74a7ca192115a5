"""统计排行 /stats/: the site's figures, the online record, rankings, charts, tabs by period; computed with a
fixed number of queries and kept for STATS_MINUTES."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import MemberFactory

from luntan.accounts.models import Member
from luntan.core import presence
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.stats import queries
from luntan.stats.models import OnlinePeak
from luntan.stats.services import online_peak_flush, online_peak_note

pytestmark = pytest.mark.django_db


def _section(html: str, title: str) -> str:
    """The ranking list under heading `title`."""
    start = html.index(f">{title}</h3>")
    return html[start:html.index("</section>", start)]


def _ranked(html: str, title: str) -> list[str]:
    return re.findall(r'<a href="/[a-z]+/\d+/">([^<]+)</a>', _section(html, title))


def test_site_figures(board, member, other_member):
    first = forum.thread_create(author=member, board=board, title="第一帖", source="内容", fmt="bbcode").thread
    forum.post_reply(author=other_member, thread=first, source="回复", fmt="bbcode")
    old = forum.thread_create(author=member, board=board, title="旧帖", source="内容", fmt="bbcode").thread
    three_days_ago = timezone.now() - timedelta(days=3)
    Floor.objects.filter(thread=old).update(created_at=three_days_ago)
    newest = MemberFactory(username="新来的")
    found = queries.compute_figures()
    assert (found.members, found.threads, found.posts) == (3, 2, 3)
    assert (found.today_posts, found.yesterday_posts) == (2, 0)
    assert (found.best_day, found.best_day_posts) == (timezone.localdate(), 2)
    assert found.newest.name == newest.username
    assert [d.value for d in found.posts_by_day][-4:] == [1, 0, 0, 2]
    assert found.members_over_time[-1].value == 3


def test_deleted_posts_and_threads_do_not_count(board, member):
    thread = forum.thread_create(author=member, board=board, title="要删的", source="内容", fmt="bbcode").thread
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    found = queries.compute_figures()
    assert (found.threads, found.posts, found.today_posts) == (0, 0, 0)


def test_the_online_record_keeps_the_highest_count_and_when():
    assert online_peak_note(members=3, guests=2)
    assert not online_peak_note(members=1, guests=1)  # fewer: the record stays
    assert not online_peak_note(members=5, guests=0)  # as many: the first time stays
    record = OnlinePeak.objects.get()
    assert (record.total, record.members, record.guests) == (5, 3, 2)
    assert online_peak_note(members=2, guests=9)
    assert OnlinePeak.objects.get().total == 11
    assert OnlinePeak.objects.count() == 1


def test_the_buffer_writer_notes_who_is_online(member, other_member):
    from helpers import signed_in

    for reader in (member, other_member):
        client = signed_in(reader)
        # Two pages each: a page that finds the online map busy (another thread of this process writing the
        # online time out) leaves its reader to the next page, by design (presence._note_member).
        client.get("/")
        client.get("/")
    Client().get("/", REMOTE_ADDR="10.0.0.9")
    assert len(presence.online()[0]) == 2
    assert online_peak_flush() == 1
    assert OnlinePeak.objects.get().total == 3
    assert online_peak_flush() == 0  # no new record: nothing written


def test_credit_rankings_use_wallets_and_the_initial_value_for_members_without_one():
    wealth = CreditType.objects.get(slot=1)  # 财富, initial 20
    rich, poor, _new = (MemberFactory(username=n) for n in ("有钱人", "穷光蛋", "新来的"))
    credit_apply(changes=[Change(rich.pk, wealth.pk, 500)], operation=Operation.ADJUST)
    credit_apply(changes=[Change(poor.pk, wealth.pk, -15)], operation=Operation.ADJUST)
    html = Client().get("/stats/").content.decode()
    ranking = _section(html, "财富排行")
    assert _ranked(html, "财富排行") == ["有钱人", "新来的", "穷光蛋"]
    assert "520 鼎币" in ranking and "20 鼎币" in ranking and "5 鼎币" in ranking


def test_disabled_credit_types_are_not_ranked(django_capture_on_commit_callbacks):
    from luntan.credits import config

    with django_capture_on_commit_callbacks(execute=True):
        CreditType.objects.filter(slot=2).update(enabled=False)
        config.changed()
    names = [r.name for r in queries.compute_figures().members_rankings if r.key == "credit"]
    assert "财富" in names and "威望" not in names


def test_member_rankings_by_digests_and_online_time():
    a, b = MemberFactory(username="甲"), MemberFactory(username="乙")
    Member.objects.filter(pk=a.pk).update(digest_count=3, online_seconds=3600)
    Member.objects.filter(pk=b.pk).update(digest_count=1, online_seconds=36000)
    html = Client().get("/stats/").content.decode()
    assert _ranked(html, "精华帖排行") == ["甲", "乙"]
    assert _ranked(html, "在线时间排行") == ["乙", "甲"]
    assert "10 小时" in _section(html, "在线时间排行")


def test_periods_count_the_floors_written_in_them(board, member, other_member):
    busy = forum.thread_create(author=member, board=board, title="热帖", source="内容", fmt="bbcode").thread
    for _ in range(4):
        forum.post_reply(author=other_member, thread=busy, source="顶", fmt="bbcode")
    Floor.objects.filter(thread=busy).update(created_at=timezone.now() - timedelta(days=40))
    fresh = forum.thread_create(author=member, board=board, title="新帖", source="内容", fmt="bbcode").thread
    forum.post_reply(author=member, thread=fresh, source="自己顶", fmt="bbcode")
    today = Client().get("/stats/?period=today").content.decode()
    assert _ranked(today, "发帖排行") == [member.username]
    assert _ranked(today, "主题回复排行") == ["新帖"]
    all_time = Client().get("/stats/").content.decode()
    assert _ranked(all_time, "发帖排行") == [other_member.username, member.username]  # by the counters
    assert _ranked(all_time, "主题回复排行") == ["热帖", "新帖"]
    assert 'aria-current="page">今日<' in today and 'aria-current="page">全部<' in all_time


@pytest.mark.parametrize("period", ["evil", "", "TODAY", "%00", "all"])
def test_a_bad_period_falls_back_to_all_time(period, board, member):
    response = Client().get(f"/stats/?period={period}")
    assert response.status_code == 200
    assert 'aria-current="page">全部<' in response.content.decode()


def test_the_checkin_ranking_waits_for_the_checkin_app():
    from django.apps import apps

    html = Client().get("/stats/").content.decode()
    if apps.is_installed("luntan.checkin"):
        assert "连续签到排行" in html and 'id="chart-checkins"' in html
    else:
        assert queries.checkin_models() == (None, None)
        assert "连续签到排行" not in html and "chart-checkins" not in html


def _compute_queries() -> int:
    from helpers import clear_cache

    clear_cache()  # with the versions this process remembers, or a later read of them counts a query more
    queries.compute_figures()  # warm the kept tables (credit types, economy)
    with CaptureQueriesContext(connection) as captured:
        queries.compute_figures()
        for period in queries.PERIODS:
            queries.compute_period(period)
    return len(captured)


def test_computing_costs_the_same_queries_for_one_member_and_thirty(board, django_assert_max_num_queries):
    author = MemberFactory()
    forum.thread_create(author=author, board=board, title="一", source="内容", fmt="bbcode")
    one = _compute_queries()
    for i in range(30):
        someone = MemberFactory()
        thread = forum.thread_create(author=someone, board=board, title=f"帖{i}", source="内容", fmt="bbcode").thread
        forum.post_reply(author=author, thread=thread, source="回复", fmt="bbcode")
    with django_assert_max_num_queries(one):
        queries.compute_figures()
        for period in queries.PERIODS:
            queries.compute_period(period)


def test_figures_are_kept_and_the_page_says_when_they_refresh(board, member, settings):
    settings.LUNTAN = {**settings.LUNTAN, "STATS_MINUTES": 10}
    first = queries.figures()
    forum.thread_create(author=member, board=board, title="之后的帖", source="内容", fmt="bbcode")
    with CaptureQueriesContext(connection) as captured:
        again = queries.figures()
    assert len(captured) == 0
    assert again.threads == first.threads == 0  # kept, not recomputed
    assert first.refresh_at - first.computed_at == timedelta(minutes=10)
    html = Client().get("/stats/").content.decode()
    assert "下次更新时间" in html and timezone.localtime(first.refresh_at).strftime("%Y-%m-%d %H:%M") in html


def test_the_page_is_kept_for_every_reader_with_their_own_userbox(member):
    from helpers import signed_in

    Client().get("/stats/")
    with CaptureQueriesContext(connection) as captured:
        guest = Client().get("/stats/?x=1&period=evil").content.decode()
    assert len(captured) == 0  # served from the kept page: stray parameters do not make a new one
    mine = signed_in(member).get("/stats/").content.decode()
    assert "退出" in mine and "退出" not in guest and "登录" in guest


def test_charts_are_svg_with_a_name_a_description_and_a_table(board, member):
    forum.thread_create(author=member, board=board, title="<script>", source="内容", fmt="bbcode")
    html = Client().get("/stats/").content.decode()
    svg = re.search(r'<svg class="chart" id="chart-posts".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="chart-posts-title chart-posts-desc"' in svg
    assert '<title id="chart-posts-title">最近 30 天每日发帖数</title>' in svg
    assert "<desc" in svg and "style=" not in svg and "<script" not in svg
    assert len(re.findall(r"<rect ", svg)) == 30
    table = html[html.index("chart-data"):]
    assert f"<td>{timezone.localdate():%m-%d}</td><td class=\"num\">1</td>" in table
    assert 'id="chart-members"' in html and "<polyline" in html


def test_the_menu_links_to_the_statistics(db):
    html = Client().get("/").content.decode()
    assert '<a href="/stats/">统计排行</a>' in html
    assert html.index('href="/stats/"') < html.index('href="/members/"')


def test_the_streak_ranking_shows_members_who_check_in(member, other_member):
    from datetime import timedelta

    from django.utils import timezone

    from luntan.checkin import services as checkin
    from luntan.stats import queries as stats_queries

    now = timezone.now()
    for days_ago in (2, 1, 0):
        checkin.checkin_sign(member=member, mood="kx", now=now - timedelta(days=days_ago))
    checkin.checkin_sign(member=other_member, mood="kx", now=now - timedelta(days=5))  # broken since
    ranking = next(r for r in stats_queries.compute_figures().members_rankings if r.key == "streak")
    assert [(row.pk, row.value) for row in ranking.rows] == [(member.pk, 3)]
