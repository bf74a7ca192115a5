"""内容防复制 in a real browser: a reader of a protected board selects a post and copies it (Ctrl+C, through the
system clipboard); what they paste is the post's text with none of the noise, and it carries the invisible
mark that `luntan protect trace` reads back to them. The page keeps to the CSP and passes axe."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category
from luntan.protection import watermark

LINES = ["第一天：清晨从杭州出发，沿着苏堤一路走到花港观鱼。", "第二天：去了灵隐寺，人比想象中少。",
         "总结：春天的西湖真的值得一去。"]


@pytest.fixture
def protected_thread(transactional_db):
    category = Category.objects.create(name="生活天地")
    board = Board.objects.create(category=category, name="旅行游记", protect_content=True)
    author = MemberFactory(username="游记作者")
    floor = services.thread_create(author=author, board=board, title="春天的西湖", source="\n".join(LINES),
                                   fmt="bbcode")
    return floor.thread


def _copy(page, selector: str | None) -> str:
    """Selects the element's contents (or, with None, the whole page by Ctrl+A), copies them with Ctrl+C
    and reads the system clipboard back."""
    if selector is None:
        page.locator("main").click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+A")
    else:
        page.evaluate("""selector => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""", selector)
    page.keyboard.press("Control+C")
    return page.evaluate("() => navigator.clipboard.readText()")


def _trace(text: str, tmp_path) -> str:
    path = tmp_path / "copied.txt"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("protect", "trace", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("signed_in", [True, False], ids=["member", "guest"])
def test_a_copied_protected_post_is_clean_and_traces_back_to_its_reader(browser_page, page_errors, assert_accessible,
                                                                       live_server, protected_thread, signed_in,
                                                                       tmp_path):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    reader = MemberFactory(username="复制的读者") if signed_in else None
    if reader is not None:
        client = Client()
        client.force_login(reader)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"/thread/{protected_thread.pk}/")
    expect(page.get_by_role("heading", name="春天的西湖", level=1)).to_be_visible()
    noise = page.locator(".content [aria-hidden=true]")
    assert noise.count() >= len(LINES)
    noise_texts = noise.all_text_contents()
    assert all(text and not noise.nth(i).is_visible() for i, text in enumerate(noise_texts))
    for text in noise_texts:  # what a sighted reader sees holds none of it
        assert text not in page.locator(".content").first.inner_text()

    copied = _copy(page, ".content")
    assert copied == page.evaluate("() => window.getSelection().toString()")
    assert watermark.strip(copied).split("\n") == LINES
    assert not any(text in copied for text in noise_texts)
    marks = watermark.find(copied).marks
    assert marks and all(m.kind == (watermark.MEMBER if reader else watermark.GUEST) for m in marks)
    out = _trace(copied, tmp_path)
    if reader is not None:
        assert f"复制的读者 (UID {reader.pk})" in out and "游记作者" not in out
    else:
        assert f"address hash {watermark.guest_hash('127.0.0.1'):08x}" in out

    whole = _copy(page, None)  # Ctrl+A, Ctrl+C: the whole page
    assert all(line in watermark.strip(whole) for line in LINES)
    assert not any(text in whole for text in noise_texts) and watermark.find(whole).marks == marks

    assert_accessible(page)
    assert page_errors == []
