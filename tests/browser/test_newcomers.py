"""A member who registered an hour ago puts a link in the quick reply, in chromium: the reply page says new
members need a few posts before links, next to the text box, which still holds everything they typed; they
take the link out and the reply is posted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import PASSWORD, MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category, Floor
from luntan.protection.models import NewcomerRules

TYPED = "新人报到！我家的小店在这里：[url=https://shop.example.com]好物小铺[/url]，欢迎来逛。"


@pytest.fixture
def thread(transactional_db):
    NewcomerRules.objects.create(pk=1, hours=24, threads_per_day=3, replies_per_day=20, links_after_posts=3)
    board = Board.objects.create(category=Category.objects.create(name="生活天地"), name="新人报到")
    host = MemberFactory(username="版块老会员", date_joined=timezone.now() - timedelta(days=90))
    MemberFactory(username="刚注册的", date_joined=timezone.now() - timedelta(hours=1))
    return services.thread_create(author=host, board=board, title="新人请在这里报到", source="欢迎新朋友",
                                  fmt="bbcode").thread


def test_a_new_member_s_link_is_refused_and_the_text_kept(browser_page, page_errors, assert_accessible, thread):
    page = browser_page
    page.goto("/login/")
    page.get_by_label("用户名或邮箱").fill("刚注册的")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".userbox")).to_contain_text("刚注册的")

    page.goto(f"/thread/{thread.pk}/")
    box = page.locator(".quick-reply textarea")
    box.fill(TYPED)
    page.locator(".quick-reply").get_by_role("button", name="回复").click()

    expect(page.get_by_text("新会员发帖满 3 篇后才能发链接")).to_be_visible()
    expect(page.get_by_label("内容")).to_have_value(TYPED)  # nothing typed is lost
    assert not Floor.objects.filter(author__username="刚注册的").exists()
    assert_accessible(page)

    page.get_by_label("内容").fill("新人报到！我家的小店叫好物小铺，欢迎来逛。")
    page.get_by_role("button", name="回复", exact=True).click()
    expect(page.locator(".content").last).to_contain_text("我家的小店叫好物小铺")
    assert Floor.objects.filter(author__username="刚注册的").count() == 1
    # The refused form came back with status 400 (the browser logs that); nothing else went wrong.
    assert [e for e in page_errors if "status of 400" not in e] == []
