"""每日签到 in real chromium under the site's CSP: a member picks a mood, says a sentence, checks in, and at
once sees their rank, reward and new balance, their name in today's list and today marked on the calendar."""

import pytest
from django.conf import settings
from django.test import Client
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.checkin.models import CheckIn

# The member groups and credit types come from migrations: restored after an earlier test's flush.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(transactional_db):
    return MemberFactory(username="早起的小李")


def test_member_checks_in_with_a_mood_and_sees_the_result(browser_page, page_errors, assert_accessible, member,
                                                          live_server):
    page = browser_page
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto("/")
    page.get_by_role("link", name="每日签到").click()
    expect(page.get_by_role("heading", name="每日签到", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="签到").click()  # no mood picked: refused, nothing written
    expect(page.get_by_role("alert").first).to_contain_text("请选择今天的心情")
    assert not CheckIn.objects.exists()

    page.get_by_label("开心").check()
    page.get_by_label("今日最想说").fill("新的一天，加油！")
    page.get_by_role("button", name="签到").click()

    flash = page.locator(".flash")
    expect(flash).to_contain_text("第 1 个签到")
    expect(flash).to_contain_text("36 鼎币")  # 20 to start with, 6 for the first day, 10 for the day's first
    expect(page.locator("table.signers")).to_contain_text("早起的小李")
    expect(page.locator("table.signers")).to_contain_text("新的一天，加油！")
    expect(page.locator("table.calendar td.signed")).to_have_count(1)
    expect(page.locator(".checkin-done")).to_contain_text("第 1 个签到")
    assert_accessible(page)
    checkin = CheckIn.objects.get()
    assert (checkin.member_id, checkin.mood, checkin.rank) == (member.pk, "kx", 1)
    # The refused form's own 400 is meant; nothing else may fail (a script error, a CSP refusal).
    assert [e for e in page_errors if "status of 400" not in e] == []
