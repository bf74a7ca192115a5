"""头像 in real chromium under the site's CSP: a member opens the avatar page from their profile, a text file
named .png is refused in words, a photo becomes their avatar, and the profile card shows it as served by
the site itself (/media/), 192 pixels square."""

import pytest
from django.test import Client
from factories import MemberFactory
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from luntan.accounts.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

LOADED = "img => img.complete && img.naturalWidth"


@pytest.fixture
def member(transactional_db):
    return MemberFactory(username="爱拍照的小王")


def test_member_uploads_an_avatar_and_sees_it_on_the_profile_card(browser_page, page_errors, assert_accessible,
                                                                  member, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = Image.new("RGB", (640, 400), (240, 200, 120))
    ImageDraw.Draw(photo).ellipse((220, 80, 420, 280), fill=(200, 60, 60))
    photo.save(tmp_path / "海边.jpg", quality=90)
    (tmp_path / "notes.png").write_text("这不是图片", encoding="utf-8")
    page = browser_page
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto(f"/user/{member.pk}/")
    expect(page.locator(".card .avatar-letter")).to_have_text("爱")
    page.get_by_role("link", name="修改头像").click()
    expect(page.get_by_role("heading", name="头像", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("图片").set_input_files(tmp_path / "notes.png")
    page.get_by_role("button", name="上传头像").click()
    expect(page.locator(".errors").first).to_contain_text("不是可用的图片")
    assert Member.objects.get(pk=member.pk).avatar.name == ""
    assert_accessible(page)
    page_errors.clear()  # the refusal's own 400

    page.get_by_label("图片").set_input_files(tmp_path / "海边.jpg")
    page.get_by_role("button", name="上传头像").click()
    expect(page.locator(".flash")).to_contain_text("新头像已设置")
    assert page.locator(".avatar-now img").evaluate(LOADED) == 192
    assert_accessible(page)

    page.get_by_role("link", name="返回我的资料").click()
    card = page.locator(".card .avatar img")
    expect(card).to_have_attribute("src", f"/media/{Member.objects.get(pk=member.pk).avatar.name}")
    assert card.evaluate(LOADED) == 192
    assert page_errors == []
