"""A thread price in real chromium under the site's CSP: an author whose group may sell posts a thread with a
price; a member sees its title, price and the 购买主题 button but not its text, confirms the price against their
balance, pays, and reads it; their balance drops by the price."""

import pytest
from browsing import ARTIFACTS, sign_in
from factories import MemberFactory, MemberGroupFactory
from playwright.sync_api import expect

from luntan.credits.models import CreditType, Operation, Wallet
from luntan.credits.services import Change, credit_apply
from luntan.forum.models import Board, Category, Thread
from luntan.hidden.models import Purchase

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "显卡验机第一步：先看金手指有没有磨损"


def test_a_member_buys_a_priced_thread_and_reads_it(browser_page, page_errors, assert_accessible, live_server):
    page = browser_page
    board = Board.objects.create(category=Category.objects.create(name="数码"), name="数码硬件")
    author = MemberFactory(username="卖家老李", group=MemberGroupFactory(max_thread_price=30))
    sign_in(page.context, author, live_server.url)
    page.goto(f"/thread/new/?board={board.pk}")
    page.get_by_label("标题").fill("二手显卡验机全流程")
    page.get_by_label("内容").fill(BODY)
    page.get_by_label("售价").fill("8")
    page.get_by_role("button", name="发表帖子").click()
    content = page.locator(".post .content").first
    expect(content).to_contain_text(BODY)  # the author reads it free
    thread_url = page.url.split("#")[0]
    assert Thread.objects.get().price == 8

    coin = CreditType.objects.get(slot=1)
    reader = MemberFactory(username="买家小王")
    credit_apply(changes=[Change(reader.pk, coin.pk, 100)], operation=Operation.ADJUST)
    before = Wallet.objects.get(member=reader, credit_type=coin).balance
    sign_in(page.context, reader, live_server.url)
    page.goto(thread_url)
    expect(page.locator("h1")).to_contain_text("二手显卡验机全流程")
    expect(content).to_contain_text("本主题需向作者支付 8")
    expect(content).not_to_contain_text(BODY)
    assert_accessible(page)

    content.get_by_role("link", name="购买主题").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"{before} ")  # the balance before
    expect(main).to_contain_text(f"{before - 8} ")  # and after
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    main.screenshot(path=str(ARTIFACTS / "thread-price-confirm.png"))
    page.get_by_role("button", name="支付 8").click()

    expect(page.locator(".messages, [role=status]").first).to_contain_text("购买本主题")
    expect(content).to_contain_text(BODY)
    expect(content).to_contain_text("你已购买")
    assert Wallet.objects.get(member=reader, credit_type=coin).balance == before - 8
    assert Purchase.objects.get().buyer_id == reader.pk
    assert page_errors == []
