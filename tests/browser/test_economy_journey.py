"""The economy as a member lives it, in real chromium under the site's CSP: sign in, check in with a mood,
spin the lucky wheel and see it stop on the slot the server chose, then find the new balance at once on
one's own author card in a thread (a kept page: the card is the reader's own, filled in fresh)."""


import pytest
from browsing import UNDER_POINTER
from factories import PASSWORD, MemberFactory
from playwright.sync_api import expect

from luntan.accounts.models import MemberGroup
from luntan.checkin.models import CheckIn
from luntan.credits.models import CreditType, Operation, Wallet
from luntan.credits.services import Change, credit_apply
from luntan.forum import services as forum
from luntan.forum.models import Board, Category
from luntan.wheel.models import Spin


@pytest.fixture
def scene(transactional_db):
    """A member with a reply in a thread, on the site's economy as the migrations make it."""
    MemberGroup.objects.update(wheel_spins_per_day=3)
    member = MemberFactory(username="爱签到的阿福")
    author = MemberFactory(username="楼主大人")
    board = Board.objects.create(category=Category.objects.create(name="生活天地"), name="灌水闲聊")
    thread = forum.thread_create(author=author, board=board, title="今天你签到了吗", source="来报个到",
                                 fmt="bbcode").thread
    forum.post_reply(author=member, thread=thread, source="签到去！", fmt="bbcode")
    credit_apply(changes=[Change(member.pk, CreditType.objects.get(slot=1).pk, 100)], operation=Operation.ADJUST)
    return member, thread


def coins(member) -> int:
    return Wallet.objects.get(member=member, credit_type__slot=1).balance


def my_card(page, member):
    mine = page.get_by_role("link", name=member.username, exact=True)
    return page.locator("article.floor").filter(has=mine).locator(".card")


def test_member_checks_in_spins_and_sees_the_new_balance_on_their_card(browser_page, page_errors, assert_accessible,
                                                                       scene):
    member, thread = scene
    page = browser_page
    page.goto("/login/")
    page.get_by_label("用户名").fill(member.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".userbox")).to_contain_text(member.username)

    page.goto(f"/thread/{thread.pk}/")
    expect(my_card(page, member)).to_contain_text(f"{coins(member)} 鼎币")

    page.get_by_role("navigation", name="网站导航").get_by_role("link", name="每日签到").click()
    page.get_by_label("开心").check()
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".flash")).to_contain_text("第 1 个签到")
    assert CheckIn.objects.get(member=member).mood == "kx"
    after_checkin = coins(member)

    page.get_by_role("navigation", name="网站导航").get_by_role("link", name="幸运大转盘").click()
    page.get_by_role("button", name="开始抽奖").click()
    page.wait_for_url("**/wheel/?spin=*")
    page.wait_for_selector("svg[data-wheel][data-landed]", timeout=10_000)
    spin = Spin.objects.get(member=member)
    assert page.evaluate(UNDER_POINTER) == spin.index
    expect(page.get_by_role("status").filter(has_text="转盘停在")).to_contain_text(f"“{spin.slot_name}”")
    assert_accessible(page)
    now = coins(member)
    coin_id = CreditType.objects.get(slot=1).pk
    assert now == after_checkin - spin.cost_amount + (spin.prize_amount if spin.prize_type_id == coin_id else 0)

    page.goto(f"/thread/{thread.pk}/")
    expect(my_card(page, member)).to_contain_text(f"{now} 鼎币")
    assert_accessible(page)
    assert page_errors == []
