"""A newcomer's first visit, in real chromium under the site's CSP: register, open a board, post a thread
with a preview, answer it with the quick reply and Ctrl+Enter, and see 沙发 appear."""

import re

import pytest
from playwright.sync_api import expect

from luntan.forum.models import Board, Category, Floor, Thread


@pytest.fixture
def board(transactional_db):
    category = Category.objects.create(name="生活天地")
    return Board.objects.create(category=category, name="灌水闲聊", description="想聊什么都行")


def test_newcomer_registers_posts_and_gets_the_sofa(browser_page, page_errors, assert_accessible, board):
    page = browser_page
    page.goto("/")
    page.get_by_role("link", name="注册").first.click()

    page.get_by_label("用户名").fill("新来的小王")
    page.get_by_label("邮箱").fill("xiaowang@example.com")
    page.locator("input[name=password1]").fill("春眠不觉晓2026")
    page.locator("input[name=password2]").fill("春眠不觉晓2026")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".userbox")).to_contain_text("新来的小王")

    page.goto("/")
    page.get_by_role("link", name="灌水闲聊").click()
    expect(page.get_by_role("heading", name="灌水闲聊")).to_be_visible()
    page.get_by_role("link", name="发帖", exact=True).click()

    page.get_by_label("标题").fill("大家好,我是新人")
    page.get_by_label("内容").fill("[b]第一次发帖[/b],请多关照 :微笑:")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview strong")).to_have_text("第一次发帖")
    assert_accessible(page)  # with the preview htmx put in
    page.get_by_role("button", name="发表帖子").click()

    expect(page.get_by_role("heading", name="大家好,我是新人")).to_be_visible()
    expect(page.locator("#floor-1 .floor-no")).to_have_text("楼主")
    thread = Thread.objects.get()

    box = page.get_by_label("回复内容")
    expect(box).to_have_attribute("placeholder", re.compile("谢谢"))
    box.fill("沙发是我的!欢迎新人")
    box.press("Control+Enter")

    expect(page.locator("#floor-2 .floor-no")).to_have_text("沙发")
    expect(page.locator("#floor-2 .content")).to_contain_text("沙发是我的!欢迎新人")
    assert page.url.endswith("#floor-2")
    assert_accessible(page)
    assert list(Floor.objects.filter(thread=thread).values_list("number", flat=True).order_by("number")) == [1, 2]
    assert page_errors == []
