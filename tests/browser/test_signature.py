"""签名 in real chromium under the site's CSP: a member opens the signature page from their profile, a link their
group may not post is refused in words with the text kept, a signature with bold and a smiley is saved, and
it shows once under each of their floors on the thread page (read as a guest, who had the page kept with the
old signature), at desktop and phone width; axe finds nothing serious on either page."""

import pytest
from browsing import PHONE, new_context
from django.test import Client
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.accounts.models import Member
from luntan.accounts.services import member_signature_set
from luntan.forum import services
from luntan.forum.models import Board, Category

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_sets_a_signature_and_readers_see_it_under_the_floors(browser, browser_page, page_errors,
                                                                     assert_accessible, live_server, settings):
    member = MemberFactory(username="山城小面")
    board = Board.objects.create(category=Category.objects.create(name="生活"), name="美食")
    thread = services.thread_create(author=member, board=board, title="重庆小面哪家强", source="求推荐",
                                    fmt="bbcode").thread
    services.post_reply(author=MemberFactory(username="路人甲"), thread=thread, source="楼下那家", fmt="bbcode")
    services.post_reply(author=member, thread=thread, source="谢谢！", fmt="bbcode")
    member_signature_set(member=member, signature="旧签名")
    guest = Client()
    assert "旧签名" in guest.get(f"/thread/{thread.pk}/").content.decode()  # the guests' page is kept now

    page = browser_page
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"/user/{member.pk}/")
    page.get_by_role("link", name="编辑签名").click()
    expect(page.get_by_role("heading", name="签名", level=1)).to_be_visible()
    assert_accessible(page)

    typed = "[url=https://example.com/]来我的小店[/url]"
    page.get_by_label("个人签名", exact=True).fill(typed)
    page.get_by_role("button", name="保存签名").click()
    expect(page.locator(".errors").first).to_contain_text("链接")
    expect(page.get_by_label("个人签名", exact=True)).to_have_value(typed)
    assert Member.objects.get(pk=member.pk).signature == "旧签名"
    assert_accessible(page)
    page_errors.clear()  # the refusal's own 400

    page.get_by_label("个人签名", exact=True).fill("[b]一碗小面[/b]，一天的开始 :smile:")
    page.get_by_role("button", name="保存签名").click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".signature-now strong")).to_have_text("一碗小面")
    assert_accessible(page)

    for width in ("desktop", "phone"):
        context = new_context(browser, live_server.url, **({"viewport": PHONE} if width == "phone" else {}))
        reader = context.new_page()
        try:
            reader.goto(f"/thread/{thread.pk}/")
            signatures = reader.locator("article.floor .signature")
            expect(signatures).to_have_count(2)  # floors 1 and 3; none under 路人甲's floor 2
            expect(reader.locator("#floor-2 .signature")).to_have_count(0)
            for n in (1, 3):
                sig = reader.locator(f"#floor-{n} .signature")
                expect(sig.locator("strong")).to_have_text("一碗小面")
                expect(sig).not_to_contain_text("旧签名")
                post, under = reader.locator(f"#floor-{n} .post").bounding_box(), sig.bounding_box()
                assert under["y"] >= post["y"] + post["height"] - 1, (width, n)  # under the post, not beside it
            assert_accessible(reader)
        finally:
            context.close()
    assert page_errors == []
