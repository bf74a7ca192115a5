"""Search in real chromium under the site's CSP: a member types in the header's box on any page, presses
Enter, and reads the hits with the matched words highlighted; narrows them with the filters (keyboard only),
and finds a member by pinyin initials. At desktop and phone width."""

import pytest
from browsing import PHONE, new_context, sign_in, watch_errors
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def forum(transactional_db):
    category = Category.objects.create(name="生活天地")
    board = Board.objects.create(category=category, name="户外运动")
    other = Board.objects.create(category=category, name="灌水闲聊")
    hiker = MemberFactory(username="乔吉奎")
    chatter = MemberFactory(username="路过的")
    services.thread_create(author=hiker, board=board, title="周末香山爬山路线", source="从北宫门上山,人少。",
                           fmt="bbcode")
    services.thread_create(author=chatter, board=other, title="今天吃什么", source="听说香山附近的烤鸭不错",
                           fmt="bbcode")
    services.thread_create(author=chatter, board=other, title="无关的帖子", source="随便聊聊", fmt="bbcode")
    return {"board": board, "hiker": hiker, "chatter": chatter}




def test_member_searches_from_the_header_and_sees_highlighted_hits(browser_page, page_errors, assert_accessible,
                                                                    forum, live_server):
    page = browser_page
    sign_in(page.context, forum["chatter"], live_server.url)
    page.goto(f"/board/{forum['board'].pk}/")
    box = page.get_by_role("search", name="全站搜索").get_by_label("搜索帖子")
    box.fill("香山")
    box.press("Enter")

    page.wait_for_url("**/search/?q=*")
    expect(page.get_by_role("heading", name="搜索", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("找到 2 条结果")
    hits = page.locator("li.hit")
    expect(hits).to_have_count(2)
    expect(hits.locator("mark").first).to_have_text("香山")
    expect(page.locator("mark")).to_have_count(2)  # in one title and in the other's snippet
    # The page's own box holds the search, ready to change.
    expect(page.get_by_label("搜索内容")).to_have_value("香山")
    assert_accessible(page)

    # The filters, by keyboard alone: open them, choose the board, send with Enter.
    page.locator("details.search-filters summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("版块").select_option(label="户外运动")
    page.get_by_label("作者").fill("乔吉奎")
    page.get_by_label("作者").press("Enter")
    expect(page.locator("li.hit")).to_have_count(1)
    expect(page.locator("li.hit h2")).to_have_text("周末香山爬山路线")
    expect(page.get_by_label("作者")).to_have_value("乔吉奎")
    expect(page.locator("details.search-filters")).to_have_attribute("open", "")
    assert_accessible(page)

    page.locator("li.hit h2 a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("周末香山爬山路线")
    assert page_errors == []


def test_a_bad_date_is_a_message_beside_the_field(browser_page, page_errors, assert_accessible, forum):
    page = browser_page
    page.goto("/search/?q=香山&since=2024-13-45")
    expect(page.get_by_role("alert")).to_contain_text("请按 2024-05-01 的格式输入日期。")
    expect(page.locator("li.hit")).to_have_count(0)
    assert_accessible(page)
    assert [e for e in page_errors if "status of 400" not in e] == []


def test_members_found_by_initials_at_phone_width(browser, live_server, forum, assert_accessible):
    context = new_context(browser, live_server.url, viewport=PHONE)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto("/")
        box = page.get_by_role("search", name="全站搜索").get_by_label("搜索帖子")
        expect(box).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide at a {PHONE['width']}px phone"
        box.fill("qjk")
        box.press("Enter")
        page.get_by_role("link", name="会员", exact=True).click()
        expect(page.get_by_role("link", name="乔吉奎")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
        page.get_by_role("link", name="乔吉奎").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("乔吉奎")
        assert errors == []
    finally:
        context.close()
