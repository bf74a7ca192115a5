"""A member reading and tending a thread in chromium: only this author, newest first, jump to a floor,
quote a floor from the full editor (Ctrl+Enter sends), edit with the edit note, delete."""

import pytest
from factories import PASSWORD, MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category


@pytest.fixture
def thread(transactional_db):
    board = Board.objects.create(category=Category.objects.create(name="生活天地"), name="灌水闲聊")
    opener = MemberFactory(username="开帖人")
    guest = MemberFactory(username="路过的")
    floor = services.thread_create(author=opener, board=board, title="周末去哪儿玩", source="求推荐近郊好去处",
                                   fmt="bbcode")
    for i in range(3):
        services.post_reply(author=guest, thread=floor.thread, source=f"第{i + 1}个建议：去爬山", fmt="bbcode")
    services.post_reply(author=opener, thread=floor.thread, source="谢谢大家", fmt="bbcode")
    return floor.thread


def _log_in(page, name: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名或邮箱").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".userbox")).to_contain_text(name)


def test_member_reads_quotes_edits_and_deletes(browser_page, page_errors, assert_accessible, thread):
    page = browser_page
    _log_in(page, "开帖人")
    page.goto(f"/thread/{thread.pk}/")
    labels = page.locator(".floor-no")
    expect(labels).to_have_text(["楼主", "沙发", "板凳", "地板", "5楼"])

    page.locator("#floor-2").get_by_role("link", name="只看该作者").click()
    expect(labels).to_have_text(["沙发", "板凳", "地板"])
    page.get_by_role("link", name="显示全部楼层").first.click()
    page.get_by_role("link", name="倒序看帖").click()
    expect(labels.first).to_have_text("5楼")

    page.goto(f"/thread/{thread.pk}/floor/3/")
    assert page.url.endswith("#floor-3")

    page.goto(f"/thread/{thread.pk}/")
    page.locator("#floor-1").get_by_role("link", name="引用").click()
    box = page.get_by_label("内容")
    expect(box).to_have_value("[quote=开帖人]求推荐近郊好去处[/quote]\n")
    box.press("End")
    box.type("补充：最好能带狗")
    box.press("Control+Enter")
    expect(page.locator("#floor-6 blockquote")).to_contain_text("求推荐近郊好去处")
    expect(page.locator("#floor-6 .content")).to_contain_text("补充：最好能带狗")

    page.locator("#floor-6").get_by_role("link", name="编辑").click()
    page.get_by_label("内容").fill("改成：带狗能进的公园")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#floor-6 .content")).to_have_text("改成：带狗能进的公园")
    expect(page.locator("#floor-6 .edited")).to_contain_text("本帖最后由 开帖人 于")

    page.locator("#floor-5").get_by_role("link", name="删除").click()
    page.get_by_role("button", name="删除").click()
    expect(page.locator("#floor-5 .removed")).to_contain_text("已被删除")
    assert_accessible(page)  # an edited floor, a deleted one, the member's own actions
    expect(page.locator("#floor-2").get_by_role("link", name="编辑")).to_have_count(0)  # not this member's
    assert page_errors == []
