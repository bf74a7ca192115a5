"""验证问题 and the proof of work in real chromium under the site's CSP: registering with a question (a wrong
answer first: everything typed stays), a new member's quick reply with the question under it on the thread
page, and the proof of work computed by the browser's Web Crypto before the form is sent."""

import re
import time

import pytest
from browsing import sign_in
from factories import MemberFactory
from playwright.sync_api import expect
from protection.verifying import configure, only_question

from luntan.accounts.models import Member
from luntan.forum.models import Floor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def checks_on(settings, transactional_db):
    settings.LUNTAN = {**settings.LUNTAN, "VERIFY_FORMS": True}
    only_question()
    configure(min_seconds=0)  # the browser types faster than a person; the minimum time is tested elsewhere



def fill_register(page) -> None:
    page.get_by_label("用户名").fill("验证新人")
    page.get_by_label("邮箱").fill("newcomer@example.com")
    page.get_by_label("密码", exact=True).fill("一个很长的口令abc")
    page.get_by_label("确认密码").fill("一个很长的口令abc")


def test_registering_with_a_question(browser_page, page_errors, assert_accessible):
    page = browser_page
    page.goto("/register/")
    expect(page.get_by_text("本论坛的名字叫什么?")).to_be_visible()
    expect(page.locator("input[name=homepage]")).to_be_hidden()
    assert_accessible(page)
    fill_register(page)
    page.get_by_label("验证问题").fill("不知道")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("alert").first).to_contain_text("答案不正确")
    expect(page.get_by_label("用户名")).to_have_value("验证新人")
    expect(page.get_by_label("邮箱")).to_have_value("newcomer@example.com")
    assert not Member.objects.filter(username="验证新人").exists()
    assert_accessible(page)
    page.get_by_label("密码", exact=True).fill("一个很长的口令abc")  # passwords are never sent back
    page.get_by_label("确认密码").fill("一个很长的口令abc")
    page.get_by_label("验证问题").fill("ＬＵＮＴＡＮ")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".flash")).to_contain_text("验证新人")
    assert Member.objects.filter(username="验证新人").exists()
    assert [e for e in page_errors if "status of 400" not in e] == []


def test_a_new_members_quick_reply_with_the_question(browser_page, page_errors, assert_accessible, live_server,
                                                    thread):
    newcomer = MemberFactory(username="刚注册的")
    sign_in(browser_page.context, newcomer, live_server.url)
    page = browser_page
    page.goto(f"/thread/{thread.pk}/")
    box = page.locator("section.quick-reply")
    expect(box.get_by_text("本论坛的名字叫什么?")).to_be_visible()
    assert_accessible(page)
    box.get_by_label("回复内容").fill("第一次回帖,请多关照")
    box.get_by_label("验证问题").fill("错的")
    box.get_by_role("button", name="回复").click()
    # The full editor, the reply kept, the same question asked again.
    expect(page.get_by_role("alert").first).to_contain_text("答案不正确")
    expect(page.locator("textarea[name=source]")).to_have_value("第一次回帖,请多关照")
    assert not Floor.objects.filter(source="第一次回帖,请多关照").exists()
    page.get_by_label("验证问题").fill("论坛")
    page.get_by_role("button", name="回复").first.click()
    expect(page.locator("article.floor").last).to_contain_text("第一次回帖,请多关照")
    assert Floor.objects.filter(source="第一次回帖,请多关照", author=newcomer).exists()
    assert [e for e in page_errors if "status of 400" not in e] == []


def test_the_proof_of_work_is_computed_by_the_browser(browser_page, page_errors, assert_accessible):
    configure(kind="pow", pow_bits=16)
    page = browser_page
    page.goto("/register/")
    fill_register(page)
    started = time.monotonic()
    page.get_by_role("button", name="注册").click()  # sent as soon as the browser has done the work
    expect(page.locator(".flash")).to_contain_text("验证新人", timeout=30_000)
    print(f"proof of work (16 bits) and registration: {time.monotonic() - started:.2f} s")
    assert Member.objects.filter(username="验证新人").exists()
    assert page_errors == []


def test_a_guest_passes_the_check_page(browser_page, page_errors, assert_accessible, thread):
    page = browser_page
    page.goto(f"/protection/check/?next=/thread/{thread.pk}/")
    expect(page.get_by_role("heading", name="简单验证")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("验证问题").fill("错的")
    page.get_by_role("button", name="继续浏览").click()
    expect(page.get_by_role("alert").first).to_contain_text("答案不正确")
    page.get_by_label("验证问题").fill("论坛")
    page.get_by_role("button", name="继续浏览").click()
    expect(page).to_have_url(re.compile(rf"/thread/{thread.pk}/$"))
    assert any(c["name"] == "luntan_read_pass" for c in page.context.cookies())
    assert [e for e in page_errors if "status of 400" not in e] == []
