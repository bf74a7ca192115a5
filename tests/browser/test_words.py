"""敏感词 in real chromium under the site's CSP: the administrator imports a word set to "replace" and tries a
text in the test box; a member then replies with that word, spaced out, and sees *** in the thread."""

import pytest
from browsing import new_context, sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services as forum
from luntan.forum.models import Board, Category, Floor
from luntan.protection.models import WatchedWord

pytestmark = pytest.mark.django_db(transaction=True)



def test_admin_sets_a_word_to_replace_and_a_member_sees_stars(browser, browser_page, page_errors, assert_accessible,
                                                               live_server):
    admin = MemberFactory(username="站长", is_staff=True, is_superuser=True)
    member = MemberFactory(username="路过的网友")
    board = Board.objects.create(category=Category.objects.create(name="综合讨论区"), name="灌水乐园")
    thread = forum.thread_create(author=admin, board=board, title="周末去哪儿玩", source="大家推荐一下",
                                 fmt="bbcode").thread

    page = browser_page
    sign_in(page.context, admin, live_server.url)
    page.goto("/admin/protection/watchedword/")
    page.get_by_role("link", name="批量导入与测试").click()
    expect(page.get_by_role("heading", name="敏感词过滤", level=1)).to_be_visible()
    print("errors on the Django admin's own list page (not this feature's):", page_errors)
    page_errors.clear()
    assert_accessible(page)
    page.get_by_label("敏感词（每行一个，格式：词=处理方式）").fill("坏蛋=替换\n赌博=block")
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".flash")).to_contain_text("新增 2 个")
    assert dict(WatchedWord.objects.values_list("word", "action")) == {"坏蛋": "replace", "赌博": "block"}
    page.get_by_label("测试文本").fill("你这个坏 蛋！")
    page.get_by_role("button", name="测试", exact=True).click()
    expect(page.locator(".words-after")).to_have_text("你这个***！")
    expect(page.locator(".desc")).to_contain_text("列表中共有 2 个敏感词")
    assert_accessible(page)

    member_page = new_context(browser, live_server.url).new_page()
    sign_in(member_page.context, member, live_server.url)
    member_page.goto(f"/thread/{thread.pk}/reply/")
    member_page.get_by_label("内容").fill("楼上是个大坏.蛋，哈哈")
    member_page.get_by_role("button", name="回复", exact=True).click()
    expect(member_page.locator("main")).to_contain_text("楼上是个大***，哈哈")
    expect(member_page.locator("main")).not_to_contain_text("坏")
    assert Floor.objects.get(thread=thread, number=2).source == "楼上是个大***，哈哈"
    member_page.context.close()
    assert page_errors == []
