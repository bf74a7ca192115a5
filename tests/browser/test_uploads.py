"""Uploads in chromium, under the site's CSP: a member pastes a picture into the quick reply (a ClipboardEvent
carrying a PNG, as a screenshot tool puts it on the clipboard), the editor uploads it and puts its markup at
the caret, and the posted floor shows it inline as a thumbnail linking to the full size; then a file chosen
with the 上传 button becomes an attachment listed under the next floor."""

import re

import pytest
from browsing import photo_thread, sign_in
from playwright.sync_api import expect

# A PNG drawn in the page itself: a canvas, red on white.
PASTE_PNG = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 120; canvas.height = 80;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 120, 80);
  ctx.fillStyle = "#c0392b"; ctx.fillRect(20, 20, 80, 40);
  const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
  const data = new DataTransfer();
  data.items.add(new File([blob], "image.png", { type: "image/png" }));
  const box = document.getElementById("qr-source");
  box.focus();
  box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


@pytest.fixture
def thread(transactional_db):
    return photo_thread()


def _sign_in(page, live_server) -> None:
    from luntan.accounts.models import Member

    sign_in(page.context, Member.objects.get(username="晒图人"), live_server.url)


def test_a_pasted_picture_shows_inline_in_the_posted_floor(browser_page, page_errors, assert_accessible, thread,
                                                           live_server, tmp_path):
    page = browser_page
    _sign_in(page, live_server)
    page.goto(f"/thread/{thread.pk}/")
    box = page.locator("#qr-source")
    box.fill("今天的晚霞:")
    page.evaluate(PASTE_PNG)
    expect(page.locator("#qr-source-status")).to_contain_text("已上传")
    expect(box).to_have_value(
        re.compile(r"今天的晚霞:\n\[url=/uploads/image/\d+/[0-9a-f]{32}\.png\]"
                                 r"\[img\]/uploads/thumb/\d+/[0-9a-f]{32}\.png\[/img\]\[/url\]$"))
    box.press("Control+Enter")

    picture = page.locator("#floor-2 .content a > img")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 120  # loaded, under the CSP
    full = picture.locator("xpath=..").get_attribute("href")
    assert full and full.startswith("/uploads/image/")
    response = page.request.get(full)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"

    # A file from the 上传 button: an attachment, listed under its floor.
    notes = tmp_path / "拍摄参数.txt"
    notes.write_text("光圈 f/8，快门 1/250。", encoding="utf-8")
    page.locator("#qr-source-file").set_input_files(str(notes))
    expect(page.locator("#qr-source-status")).to_contain_text("拍摄参数.txt")
    expect(box).to_have_value(re.compile(r"^\[attach\]\d+\[/attach\]$"))
    box.press("Control+Enter")
    listed = page.locator("#floor-3 .attachments")
    expect(listed).to_contain_text("拍摄参数.txt")
    assert_accessible(page)
    assert page_errors == []
