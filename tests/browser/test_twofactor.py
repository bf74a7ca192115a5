"""两步验证 in real chromium under the site's CSP: a member signs in, turns two-factor sign-in on from the
profile (the code computed here from the key the page shows, as an authenticator app would), keeps the
recovery codes, signs out, and signs in again with the password and then a code; the security log shows it
all."""

import time

import pytest
from factories import PASSWORD, MemberFactory
from playwright.sync_api import expect

from luntan.protection import twofactor
from luntan.protection.models import SecurityEvent, TwoFactor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(transactional_db):
    return MemberFactory(username="谨慎的老周")


def app_code(secret: str, *, ahead: int = 0) -> str:
    """What the authenticator app shows now (or `ahead` steps later)."""
    return twofactor.totp(twofactor.secret_key(secret), time.time() + ahead * twofactor.PERIOD)


def log_in(page, member) -> None:
    page.goto("/login/")
    page.get_by_label("用户名或邮箱").fill(member.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_member_turns_on_two_factor_and_signs_in_with_a_code(browser_page, page_errors, assert_accessible, member):
    page = browser_page
    log_in(page, member)
    expect(page.locator(".flash").first).to_contain_text("欢迎回来")

    page.goto(f"/user/{member.pk}/")
    page.get_by_role("link", name="两步验证").click()
    expect(page.get_by_role("heading", name="两步验证", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="供验证器应用扫描的二维码")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#twofactor-secret").inner_text().replace(" ", "")

    page.get_by_label("验证码").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".errors").first).to_contain_text("验证码不匹配")
    assert page.locator("#twofactor-secret").inner_text().replace(" ", "") == secret  # the same key
    page_errors.clear()  # the refusal's own 400

    page.get_by_label("验证码").fill(app_code(secret))
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    assert TwoFactor.objects.filter(member=member).exists()

    page.get_by_role("banner").get_by_role("button", name="退出").click()
    log_in(page, member)
    page.wait_for_url("**/login/code/")
    expect(page.get_by_role("heading", name="两步验证", level=1)).to_be_visible()
    assert_accessible(page)
    # The code that turned it on was taken; the app's next one (still within its drift) signs in.
    page.get_by_label("验证码").fill(app_code(secret, ahead=1))
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flash").first).to_contain_text("欢迎回来")

    page.goto("/settings/security/")
    expect(page.get_by_role("heading", name="安全日志", level=1)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)  # signed in, turned on, signed out, signed in
    expect(page.locator("tbody")).to_contain_text("开启了两步验证")
    assert_accessible(page)
    assert list(SecurityEvent.objects.filter(member=member).order_by("id").values_list("kind", flat=True)) == [
        "signin", "2fa_on", "signout", "signin"]
    assert page_errors == []
