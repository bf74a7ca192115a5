"""A moderator at work, in real chromium under the site's CSP: from the thread page's 管理 panel the thread
becomes digest and sticky, then moves to another board, and the moderation log shows all three."""

import pytest
from django.conf import settings
from django.test import Client
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category, Thread


@pytest.fixture
def moderator_page(browser_page, live_server):
    category = Category.objects.create(name="生活天地")
    board = Board.objects.create(category=category, name="灌水闲聊")
    Board.objects.create(category=category, name="旅游攻略")
    moderator = MemberFactory(username="版主老周")
    services.board_moderators_set(board=board, members=[moderator])
    services.board_moderators_set(board=Board.objects.get(name="旅游攻略"), members=[moderator])
    author = MemberFactory(username="楼主小李")
    services.thread_create(author=author, board=board, title="周末去爬香山", source="红叶正好", fmt="bbcode")
    client = Client()
    client.force_login(moderator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser_page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return browser_page


def test_a_moderator_makes_a_thread_digest_sticky_then_moves_it(moderator_page, page_errors, assert_accessible):
    page = moderator_page
    thread = Thread.objects.get()
    page.goto(f"/thread/{thread.pk}/")
    page.locator(".mod-panel summary").click()
    panel = page.locator(".mod-panel")
    panel.get_by_label("原因").fill("内容详实")
    panel.get_by_label("精华级别").select_option("2")
    panel.get_by_role("button", name="设置精华").click()
    expect(page.locator(".flash").first).to_contain_text("已完成")
    expect(page.locator(".thread-head .tag.digest")).to_contain_text("精华2")

    page.locator(".mod-panel summary").click()
    panel.get_by_label("置顶级别").select_option("1")
    panel.get_by_role("button", name="设置置顶").click()
    expect(page.locator(".thread-head .tag.sticky")).to_be_visible()
    assert_accessible(page)

    page.locator(".mod-panel summary").click()
    panel.get_by_role("button", name="移动…").click()
    expect(page.get_by_role("heading", name="管理：周末去爬香山")).to_be_visible()
    page.get_by_label("移动到").select_option(label="生活天地 › 旅游攻略")
    page.get_by_label("保留转向").check()
    page.get_by_role("button", name="移动", exact=True).click()
    expect(page.locator(".crumbs")).to_contain_text("旅游攻略")

    page.goto("/moderation/log/")
    rows = page.locator(".mod-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("移动")
    expect(rows.nth(1)).to_contain_text("置顶")
    expect(rows.nth(2)).to_contain_text("精华")
    expect(rows.nth(2)).to_contain_text("内容详实")
    assert_accessible(page)
    assert page_errors == []
