"""The notification centre in real chromium under the site's CSP: member A @mentions member B in a reply;
B's page, already open, shows the unread count rise without a reload (htmx polls the count endpoint), and B
opens the notice and lands on A's floor."""

import pytest
from browsing import new_context, sign_in, watch_errors
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.notices.models import Notice

pytestmark = pytest.mark.django_db(transaction=True)



def test_a_mention_raises_the_open_pages_count_and_the_notice_opens_the_floor(
        browser, browser_page, page_errors, assert_accessible, live_server, board, settings):
    settings.LUNTAN = {**settings.LUNTAN, "NOTICE_POLL_SECONDS": 1}
    a, b = MemberFactory(username="提醒人小王"), MemberFactory(username="被提到的小李")
    opener = MemberFactory(username="开帖的老周")
    thread = services.thread_create(author=opener, board=board, title="周末去哪儿爬山", source="大家推荐一下",
                                    fmt="bbcode").thread

    # B has the home page open, no notices yet: the count is there but hidden.
    page_b = browser_page
    sign_in(page_b.context, b, live_server.url)
    page_b.goto("/")
    badge = page_b.locator("#notice-count")
    expect(badge).to_be_hidden()

    # A replies in the thread from their own browser, mentioning B.
    context_a = new_context(browser, live_server.url)
    try:
        page_a = context_a.new_page()
        errors_a = watch_errors(page_a)
        sign_in(page_a.context, a, live_server.url)
        page_a.goto(f"/thread/{thread.pk}/")
        page_a.locator("textarea[name=source]").fill("@被提到的小李 你上次说的那条路线叫什么？")
        page_a.get_by_role("button", name="回复", exact=True).click()
        expect(page_a.locator("a.mention", has_text="@被提到的小李")).to_be_visible()
        assert errors_a == []
    finally:
        context_a.close()
    assert Notice.objects.filter(member=b, kind="mention").count() == 1

    # B's page, never reloaded, shows 1 within a few polls.
    expect(badge).to_be_visible(timeout=8_000)
    expect(badge).to_have_text("1")
    page_b.get_by_role("link", name="提醒").click()
    expect(page_b.get_by_role("heading", name="提醒", level=1)).to_be_visible()
    assert_accessible(page_b)
    page_b.locator(".notices li.unread").get_by_role("button", name="查看").click()
    expect(page_b.locator("#floor-2")).to_contain_text("你上次说的那条路线")
    assert f"/thread/{thread.pk}/" in page_b.url
    b.refresh_from_db()
    assert b.unread_notices == 0
    assert page_errors == []
