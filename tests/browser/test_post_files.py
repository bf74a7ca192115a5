"""Files with the post forms in chromium. Without JavaScript a member picks a picture in the reply page's
plain file field and sends it with the form: the floor shows it inline. With JavaScript the editor takes the
field over (hidden, out of the form) and uploads the file itself: the form's request carries no file, and the
site keeps one copy."""

import re

import pytest
from attachments.making import png
from browsing import photo_thread, sign_in
from playwright.sync_api import expect

from luntan.attachments.models import Attachment


@pytest.fixture
def thread(transactional_db):
    return photo_thread()


@pytest.fixture
def picture_file(tmp_path):
    path = tmp_path / "晚霞.png"
    path.write_bytes(png(160, 90))
    return path


def test_without_javascript_a_picture_picked_in_the_form_shows_inline(browser, live_server, thread, picture_file):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    try:
        sign_in(context, thread.author, live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"/thread/{thread.pk}/reply/")
        expect(page.locator(".ed-bar")).to_be_hidden()
        page.locator("#id_source").fill("今天的晚霞:")
        field = page.get_by_label("图片和文件")
        expect(field).to_be_visible()
        field.set_input_files(str(picture_file))
        page.get_by_role("button", name="回复", exact=True).click()

        picture = page.locator("#floor-2 .content a > img")
        expect(picture).to_be_visible()
        expect(page.locator("#floor-2 .content")).to_contain_text("今天的晚霞")
        found = Attachment.objects.get()
        assert picture.get_attribute("src") == f"/uploads/thumb/{found.pk}/{found.key}.png"
        assert found.floor.number == 2 and (found.width, found.height) == (160, 90)
        response = page.request.get(picture.get_attribute("src"))
        assert response.status == 200 and response.headers["content-type"] == "image/png"

        # A refused file: said next to the field, the text kept, nothing posted.
        page.goto(f"/thread/{thread.pk}/reply/")
        page.locator("#id_source").fill("再来一张")
        bad = picture_file.with_name("假图.png")
        bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
        page.get_by_label("图片和文件").set_input_files(str(bad))
        page.get_by_role("button", name="回复", exact=True).click()
        expect(page.locator("#id_uploads-errors")).to_contain_text("“假图.png”未能附上")
        expect(page.locator("#id_source")).to_have_value("再来一张")
        assert thread.floors.count() == 2 and Attachment.objects.count() == 1
    finally:
        context.close()


def test_with_javascript_the_editor_uploads_the_file_and_the_form_sends_none(browser_page, page_errors,
                                                                              assert_accessible, live_server,
                                                                              thread, picture_file):
    page = browser_page
    sign_in(page.context, thread.author, live_server.url)
    page.goto(f"/thread/{thread.pk}/reply/")
    expect(page.locator("[data-plain-files]")).to_be_hidden()
    expect(page.locator("#id_uploads")).to_be_disabled()
    box = page.locator("#id_source")
    box.fill("今天的晚霞:")
    page.locator("#id_source-file").set_input_files(str(picture_file))  # the 上传 button's own input
    expect(page.locator("#id_source-status")).to_contain_text("已上传")
    expect(box).to_have_value(re.compile(r"^今天的晚霞:\n\[url=/uploads/image/\d+/[0-9a-f]{32}\.png\]"))

    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(f"/thread/{thread.pk}/reply/")) as sent:
        page.get_by_role("button", name="回复", exact=True).click()
    body = sent.value.post_data_buffer or b""
    assert b"filename=" not in body  # the form carried no file: the editor had sent it already
    expect(page.locator("#floor-2 .content a > img")).to_be_visible()
    found = Attachment.objects.get()  # one copy, the editor's, now the floor's
    assert found.floor.number == 2
    assert_accessible(page)
    assert page_errors == []
