"""Hidden and paid content in real chromium under the site's CSP: an author posts a thread with a [hide] part
and a [sell] part; a guest sees the notices and a sign-in link; a member replies and sees the hidden part, buys
the paid one with one click (a second click is not offered) and sees it; the buyers page lists them."""

import pytest
from browsing import ARTIFACTS, sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum.models import Board, Category
from luntan.hidden.models import Purchase

pytestmark = pytest.mark.django_db(transaction=True)




def test_a_reader_replies_and_buys_to_read(browser_page, page_errors, assert_accessible, live_server):
    page = browser_page
    board = Board.objects.create(category=Category.objects.create(name="生活"), name="灌水闲聊")
    author = MemberFactory(username="楼主老王")
    sign_in(page.context, author, live_server.url)
    page.goto(f"/thread/new/?board={board.pk}")
    page.get_by_label("标题").fill("分享两个小窍门")
    page.get_by_label("内容").fill("先说公开的。\n[hide]回复才能看的窍门[/hide]\n[sell=8]付费才能看的窍门[/sell]")
    page.get_by_role("button", name="发表帖子").click()
    content = page.locator(".post .content").first
    expect(content).to_contain_text("回复才能看的窍门")  # the author reads both
    expect(content).to_contain_text("付费才能看的窍门")
    thread_url = page.url.split("#")[0]

    page.context.clear_cookies()
    page.goto(thread_url)
    expect(content).to_contain_text("本帖隐藏的内容需要回复才可以浏览")
    expect(content).not_to_contain_text("回复才能看的窍门")
    expect(content).not_to_contain_text("付费才能看的窍门")
    expect(content.get_by_role("link", name="登录后购买。")).to_be_visible()
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    content.screenshot(path=str(ARTIFACTS / "hidden-guest.png"))  # to look at: the notices and the sign-in link

    reader = MemberFactory(username="路人小张")
    credit_apply(changes=[Change(reader.pk, CreditType.objects.get(slot=1).pk, 100)], operation=Operation.ADJUST)
    sign_in(page.context, reader, live_server.url)
    page.goto(thread_url)
    expect(content).not_to_contain_text("回复才能看的窍门")
    page.locator("#qr-source").fill("谢谢楼主，学到了")
    page.locator("form.reply-form button[type=submit]").click()
    page.goto(thread_url)
    expect(content).to_contain_text("回复才能看的窍门")
    expect(content).not_to_contain_text("付费才能看的窍门")
    assert_accessible(page)
    content.get_by_role("button", name="花 8").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("已花费")
    expect(content).to_contain_text("付费才能看的窍门")
    expect(content.get_by_role("button")).to_have_count(0)
    assert Purchase.objects.get().buyer_id == reader.pk
    content.screenshot(path=str(ARTIFACTS / "hidden-bought.png"))

    content.get_by_role("link", name="1 人购买").first.click()
    expect(page.locator("h1")).to_contain_text("购买记录")
    expect(page.locator("main")).to_contain_text("路人小张")
    assert_accessible(page)
    assert page_errors == []
