"""幸运大转盘 in real chromium under the site's CSP: a member spins, the wheel turns and stops with the slot
the server chose under the pointer, the result is read out from a live region, and the new balance shows.
With reduced motion the wheel does not turn: it is at rest on the result at once."""


import pytest
from browsing import UNDER_POINTER, new_context, watch_errors
from django.conf import settings
from django.test import Client
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.accounts.models import MemberGroup
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.wheel import services
from luntan.wheel.models import Spin

# The migrations' rows (groups, credit types, the default wheel) are there: tests/conftest.py puts them back
# after every transactional test.
pytestmark = pytest.mark.django_db(transaction=True)



@pytest.fixture
def player(transactional_db):
    MemberGroup.objects.update(wheel_spins_per_day=3)
    member = MemberFactory(username="转盘达人")
    coin = CreditType.objects.get(slot=1)
    credit_apply(changes=[Change(member.pk, coin.pk, 100)], operation=Operation.ADJUST)
    return member


def _signed_in_context(browser, live_server, member, **options):
    context = new_context(browser, live_server.url)
    if options:
        context.close()
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      **options)
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_the_wheel_stops_on_the_slot_the_server_chose(browser, live_server, player, assert_accessible):
    context = _signed_in_context(browser, live_server, player)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto("/wheel/")
        expect(page.get_by_role("heading", name="幸运大转盘")).to_be_visible()
        shown_hash = services.seed_current(member=player).server_hash
        expect(page.locator(".wheel-seed")).to_contain_text(shown_hash)
        assert page.evaluate(UNDER_POINTER) == 0  # at rest before spinning: slot 1 at the top
        assert_accessible(page)
        for round_ in range(2):
            page.get_by_role("button", name="开始抽奖").click()
            page.wait_for_url("**/wheel/?spin=*")
            # it turns: the disc is animated and the words wait until it stops
            expect(page.locator(".wheel-disc.is-spinning")).to_have_count(1)
            assert page.locator("[data-wheel-result]").inner_text().strip() == ""
            page.wait_for_selector("svg[data-wheel][data-landed]", timeout=10_000)
            spin = Spin.objects.filter(member=player).latest("id")
            assert page.evaluate(UNDER_POINTER) == spin.index, f"round {round_}: {spin.slot_name}"
            expect(page.get_by_role("status").filter(has_text="转盘停在")).to_contain_text(f"“{spin.slot_name}”")
        money = 20 + 100 - 2 * 10 + sum(s.prize_amount for s in Spin.objects.filter(member=player, prize_type__slot=1))
        expect(page.locator(".wheel-facts")).to_contain_text(f"{money} 鼎币")
        expect(page.locator(".wheel-facts")).to_contain_text("1 / 3")
        assert_accessible(page)
        assert errors == []
    finally:
        context.close()


def test_with_reduced_motion_the_wheel_is_at_rest_on_the_result_at_once(browser, live_server, player):
    context = _signed_in_context(browser, live_server, player, reduced_motion="reduce")
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto("/wheel/")
        page.get_by_role("button", name="开始抽奖").click()
        page.wait_for_url("**/wheel/?spin=*")
        spin = Spin.objects.get(member=player)
        assert page.locator(".wheel-disc.is-spinning").count() == 0
        assert page.evaluate(UNDER_POINTER) == spin.index
        expect(page.locator("[data-wheel-result]")).to_contain_text(spin.slot_name)
        assert errors == []
    finally:
        context.close()


def test_without_javascript_the_spin_still_works(browser, live_server, player):
    context = _signed_in_context(browser, live_server, player, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/wheel/")
        page.get_by_role("button", name="开始抽奖").click()
        page.wait_for_url("**/wheel/?spin=*")
        spin = Spin.objects.get(member=player)
        expect(page.locator("[data-wheel-result]")).to_contain_text(f"“{spin.slot_name}”")
    finally:
        context.close()
