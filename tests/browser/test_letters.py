"""短消息 in real chromium under the site's CSP: member A writes to B; B sees the unread count in the user box
and the conversation marked unread in the inbox, opens it, and it is read; B replies and A sees it."""

import pytest
from browsing import sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.letters.models import Letter

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, member, live_server) -> None:
    page.context.clear_cookies()
    sign_in(page.context, member, live_server.url)


def test_a_writes_to_b_who_sees_it_unread_then_read(browser_page, page_errors, assert_accessible, live_server):
    a, b = MemberFactory(username="写信的小王"), MemberFactory(username="收信的老张")
    page = browser_page
    _sign_in(page, a, live_server)
    page.goto("/")
    page.get_by_role("link", name="短消息").click()
    expect(page.get_by_role("heading", name="短消息", level=1)).to_be_visible()
    page.get_by_role("link", name="写短消息").click()
    page.get_by_label("收件人").fill("收信的老张")
    page.get_by_label("标题").fill("周末爬山")
    page.get_by_label("内容").fill("周六早上七点，[b]北门[/b]集合，带好水。")
    assert_accessible(page)
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".letters .content strong")).to_have_text("北门")
    assert Letter.objects.count() == 1

    _sign_in(page, b, live_server)
    page.goto("/")
    menu_link = page.get_by_role("link", name="短消息")
    expect(menu_link).to_contain_text("1")
    menu_link.click()
    row = page.locator(".letters-inbox li").first
    expect(row).to_have_class("unread")
    expect(row.locator(".tag.unread")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name="周末爬山").click()
    expect(page.get_by_role("heading", name="周末爬山", level=1)).to_be_visible()
    expect(page.locator("#m1")).to_contain_text("北门")
    assert_accessible(page)
    page.get_by_label("内容").fill("收到，不见不散！")
    page.get_by_role("button", name="发送").click()
    expect(page.locator("#m2")).to_contain_text("不见不散")
    page.goto("/messages/")
    expect(page.locator(".letters-inbox li").first).to_have_class("read")
    expect(page.locator(".letters-inbox .tag.unread")).to_have_count(0)
    b.refresh_from_db()
    a.refresh_from_db()
    assert (b.unread_messages, a.unread_messages) == (0, 1)
    assert page_errors == []
