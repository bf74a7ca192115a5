"""头像 in real chromium under the site's CSP: a member opens the avatar page from their profile, a text file
named .png is refused in words, a photo becomes their avatar in three sizes, and the profile card, the header
and the member list show it as served by the site itself (/media/avatars/...), each at its own size."""

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
    expect(page.locator(".errors").first).to_contain_text("自称是图片")
    assert Member.objects.get(pk=member.pk).avatar == ""
    assert_accessible(page)
    page_errors.clear()  # the refusal's own 400

    page.get_by_label("图片").set_input_files(tmp_path / "海边.jpg")
    page.get_by_role("button", name="上传头像").click()
    expect(page.locator(".flash")).to_contain_text("新头像已设置")
    sizes = page.locator(".avatar-sizes img")
    expect(sizes).to_have_count(3)
    assert [sizes.nth(i).evaluate(LOADED) for i in range(3)] == [200, 120, 48]
    header = page.locator(".userbox img.avatar-small")
    assert header.evaluate(LOADED) == 48
    assert_accessible(page)

    me = Member.objects.get(pk=member.pk)
    page.get_by_role("link", name="返回我的资料").click()
    card = page.locator(".card .avatar img")
    expect(card).to_have_attribute("src", me.avatar_url(120))
    # The browser picks from srcset by the card's width and the screen's density: the middle size here.
    loaded, chosen = card.evaluate("img => [img.complete && img.naturalWidth > 0, img.currentSrc]")
    assert loaded and chosen.endswith(me.avatar_url(120))
    assert_accessible(page)

    page.goto("/members/")
    listed = page.locator(".members td.name img.avatar-small")
    expect(listed).to_have_attribute("src", me.avatar_url(48))
    assert listed.evaluate(LOADED) == 48
    assert page_errors == []


def test_an_avatar_fetched_as_an_image_passes_the_page_guard(browser_page, member, live_server, tmp_path, settings):
    """Browsers ask for pictures with Sec-Fetch-Dest: image, which pages refuse; avatars are files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luntan.accounts import services

    out = tmp_path / "a.png"
    Image.new("RGB", (80, 80), (30, 120, 200)).save(out)
    services.member_avatar_set(member=member, upload=SimpleUploadedFile("a.png", out.read_bytes(), "image/png"))
    member.refresh_from_db()
    page = browser_page
    page.goto(f"/user/{member.pk}/")
    card = page.locator(".card .avatar img")
    expect(card).to_have_attribute("src", member.avatar_url(120))
    assert card.evaluate(LOADED) > 0  # fetched with Sec-Fetch-Dest: image, and not refused
