"""The editor toolbar in chromium, under the site's CSP: a member formats a quick reply with a shortcut, a
toolbar button and a smiley, sends it with Ctrl+Enter and sees the formatted floor; then writes Markdown in
the full editor, where the BBCode-only buttons are off. axe finds nothing serious with a menu open, and at
phone width the toolbar wraps with buttons a finger can hit."""

import pytest
from browsing import PHONE, sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category


@pytest.fixture
def thread(transactional_db):
    board = Board.objects.create(category=Category.objects.create(name="生活天地"), name="灌水闲聊")
    opener = MemberFactory(username="开帖人")
    floor = services.thread_create(author=opener, board=board, title="晒晒你的早餐", source="今天吃了豆浆油条",
                                   fmt="bbcode")
    for source in ("我是煎饼果子", "包子配粥"):  # three posts: enough for a member to post links
        services.post_reply(author=opener, thread=floor.thread, source=source, fmt="bbcode")
    return floor.thread


def _sign_in(page, live_server) -> None:
    from luntan.accounts.models import Member

    sign_in(page.context, Member.objects.get(username="开帖人"), live_server.url)


def _select_last(page, box, count: int) -> None:
    box.press("End")
    for _ in range(count):
        box.press("Shift+ArrowLeft")


def test_member_formats_a_reply_with_the_toolbar(browser_page, page_errors, assert_accessible, thread, live_server):
    page = browser_page
    _sign_in(page, live_server)
    page.goto(f"/thread/{thread.pk}/")
    bar = page.get_by_role("toolbar", name="文字格式")
    expect(bar).to_be_visible()
    box = page.locator("#qr-source")

    box.fill("早餐真香")
    _select_last(page, box, 2)  # 真香
    box.press("Control+b")
    expect(box).to_have_value("早餐[b]真香[/b]")
    bar.get_by_role("button", name="斜体").click()  # the selection is still 真香
    expect(box).to_have_value("早餐[b][i]真香[/i][/b]")
    assert page.evaluate("() => { const t = document.getElementById('qr-source');"
                         " return t.value.slice(t.selectionStart, t.selectionEnd); }") == "真香"
    bar.get_by_role("button", name="下划线").click()  # pressed again on the same words: another layer
    expect(box).to_have_value("早餐[b][i][u]真香[/u][/i][/b]")
    box.press("Control+u")  # the shortcut undoes it on a wrapped selection
    expect(box).to_have_value("早餐[b][i]真香[/i][/b]")

    box.press("End")
    smilies = bar.get_by_role("button", name="表情")
    expect(smilies).to_have_attribute("aria-expanded", "false")
    smilies.click()
    expect(smilies).to_have_attribute("aria-expanded", "true")
    menu = page.get_by_role("group", name="表情")
    expect(menu.get_by_role("button", name="微笑")).to_be_focused()  # the first smiley
    assert_accessible(page)  # the toolbar with a menu open
    menu.get_by_role("button", name="吃瓜").click()
    expect(box).to_have_value("早餐[b][i]真香[/i][/b]:吃瓜:")
    expect(menu).to_be_hidden()
    expect(box).to_be_focused()

    # Colour by keyboard: from the toolbar's tab stop, arrows to the colour menu, down into it.
    bar.get_by_role("button", name="加粗").focus()
    page.keyboard.press("End")
    expect(bar.get_by_role("button", name="表情")).to_be_focused()
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    colour = bar.get_by_role("button", name="文字颜色")
    expect(colour).to_be_focused()
    expect(colour).to_have_attribute("tabindex", "0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")  # black, then grey ... red is the fifth
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="红色")).to_be_focused()
    page.keyboard.press("Escape")
    expect(colour).to_be_focused()
    box.press("End")
    box.type("\n")
    colour.click()
    page.get_by_role("button", name="红色").click()
    expect(box).to_have_value("早餐[b][i]真香[/i][/b]:吃瓜:\n[color=red]文字[/color]")
    page.keyboard.type("红字")  # the placeholder was selected: typing replaces it

    box.press("Control+Enter")  # still sends
    floor = page.locator("#floor-4 .content")
    expect(floor.locator("strong em")).to_have_text("真香")
    expect(floor.locator(".smiley")).to_have_text("🍉")
    expect(floor.locator(".color-red")).to_have_text("红字")
    assert page_errors == []


def test_markdown_in_the_full_editor(browser_page, page_errors, assert_accessible, thread, live_server):
    page = browser_page
    _sign_in(page, live_server)
    page.goto(f"/thread/{thread.pk}/reply/")
    bar = page.get_by_role("toolbar", name="文字格式")
    box = page.locator("#id_source")
    underline = bar.get_by_role("button", name="下划线")
    expect(underline).not_to_have_attribute("aria-disabled", "true")
    page.get_by_label("格式", exact=True).select_option("markdown")
    expect(underline).to_have_attribute("aria-disabled", "true")
    expect(underline).to_have_attribute("title", "下划线 (Ctrl+U) — 仅 BBCode 可用,Markdown 不支持")

    box.fill("好吃")
    box.press("Control+a")
    box.press("Control+b")
    expect(box).to_have_value("**好吃**")
    underline.click(force=True)  # off in Markdown: writes nothing
    expect(box).to_have_value("**好吃**")
    box.press("End")
    bar.get_by_role("button", name="引用").click()
    page.keyboard.type("民以食为天")
    expect(box).to_have_value("**好吃**\n> 民以食为天")
    box.press("End")
    box.press("Enter")
    box.press("Enter")
    box.press("Control+k")
    expect(box).to_have_value("**好吃**\n> 民以食为天\n\n[链接文字](https://)")
    page.keyboard.type("https://example.com/zaocan")  # the address was selected
    box.press("End")
    box.press("Enter")
    bar.get_by_role("button", name="列表").click()
    page.keyboard.type("豆浆")
    bar.get_by_role("button", name="表情").click()
    page.get_by_role("button", name="赞").click()
    expect(box).to_have_value("**好吃**\n> 民以食为天\n\n[链接文字](https://example.com/zaocan)\n- 豆浆:赞:")
    assert_accessible(page)

    page.get_by_role("button", name="回复", exact=True).click()
    floor = page.locator("#floor-4 .content")
    expect(floor.locator("strong")).to_have_text("好吃")
    expect(floor.locator("blockquote")).to_contain_text("民以食为天")
    expect(floor.get_by_role("link", name="链接文字")).to_have_attribute("href", "https://example.com/zaocan")
    expect(floor.locator("li")).to_have_text("豆浆👍")
    assert page_errors == []


def test_toolbar_wraps_at_phone_width(browser_page, page_errors, thread, live_server):
    page = browser_page
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server)
    page.goto(f"/thread/{thread.pk}/reply/")
    bar = page.get_by_role("toolbar", name="文字格式")
    expect(bar).to_be_visible()
    boxes = [b.bounding_box() for b in page.locator(".ed-bar > button, .ed-bar > .ed-pop > button").all()]
    assert len(boxes) == 13  # with the upload button (luntan.attachments)
    assert all(b["width"] >= 32 and b["height"] >= 32 for b in boxes), boxes
    assert max(b["x"] + b["width"] for b in boxes) <= PHONE["width"], "nothing sticks out to the right"
    assert len({round(b["y"]) for b in boxes}) >= 2, "the buttons wrap onto a second row"
    bar.get_by_role("button", name="表情").click()
    menu = page.get_by_role("group", name="表情").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= PHONE["width"], menu
    assert page_errors == []


def test_without_javascript_the_plain_box_works(browser, live_server, thread):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(f"/thread/{thread.pk}/reply/")
        expect(page.locator(".ed-bar")).to_be_hidden()
        page.locator("#id_source").fill("[b]没有脚本也能发[/b]")
        page.get_by_role("button", name="回复", exact=True).click()
        expect(page.locator("#floor-4 .content strong")).to_have_text("没有脚本也能发")
    finally:
        context.close()
