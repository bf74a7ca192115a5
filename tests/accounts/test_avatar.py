"""头像: a member sets their own avatar. What arrives is decoded within limits and drawn again as pictures of
our own in three sizes (200, 120, 48 px; no metadata), shown on the member's cards at once, and the admin's
"set an avatar" rule pays once. Every refusal says why, answers 400 (403 for a group that may not upload)
and changes nothing: no file written, no member row changed, no ledger row."""

import io
import struct
import threading
import zlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from factories import MemberFactory
from helpers import clear_cache, page_queries, signed_in
from PIL import Image

from luntan.accounts import avatars, services
from luntan.accounts.models import Member, MemberGroup
from luntan.core import localcache, presence
from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import credits_audit

from .conftest import english

pytestmark = pytest.mark.django_db

PAGE = "/settings/avatar/"
REMOVE = "/settings/avatar/remove/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test's uploads in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture(fmt: str = "PNG", size=(300, 200), colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    mode = "P" if fmt == "GIF" else "RGB"
    image = Image.new("RGB", size, colour)
    (image.convert(mode) if mode != "RGB" else image).save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "我的头像.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def avatar_files(media) -> list[str]:
    """Every file under avatars/, as storage names."""
    folder = media / "avatars"
    return sorted(str(p.relative_to(media)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def current_files(member) -> list[str]:
    member.refresh_from_db()
    return sorted(avatars.file_names(member.pk, member.avatar))


def avatar_entries(member) -> list[int]:
    return list(CreditEntry.objects.filter(member=member, operation=Operation.AVATAR).values_list("delta", flat=True))


def kept(media, member, px: int = avatars.BIG) -> Image.Image:
    member.refresh_from_db()
    return Image.open(media / avatars.file_name(member.pk, member.avatar, px))


def set_limit(member, kb: int) -> None:
    group = MemberGroup.objects.create(name=f"测试组 {kb} KB", kind=MemberGroup.Kind.SPECIAL, max_attachment_kb=kb)
    Member.objects.filter(pk=member.pk).update(group=group)
    member.refresh_from_db()
    clear_cache()
    localcache.fragments.clear()


# --- The page ---------------------------------------------------------------------------------------------

def test_the_page_shows_the_letter_avatar_and_the_form(member):
    client = english(signed_in(member))
    html = client.get(PAGE).content.decode()
    assert f'avatar-letter avatar-big hue-{member.pk % 8}' in html and member.username[0] in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "at most 512 KB" in html  # 新手上路's attachment size
    assert REMOVE not in html  # nothing to remove yet


def test_the_own_profile_links_to_the_avatar_page_and_another_member_s_does_not(member, other_member):
    client = signed_in(member)
    assert PAGE in client.get(f"/user/{member.pk}/").content.decode()
    assert PAGE not in client.get(f"/user/{other_member.pk}/").content.decode()


def test_a_guest_is_asked_to_log_in_and_changes_nothing(client, member, media):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    response = client.post(PAGE, {"image": upload(picture())})
    assert response.status_code == 403 and "/login/" in response.content.decode()
    assert client.post(REMOVE).status_code == 403
    assert avatar_files(media) == [] and not Member.objects.exclude(avatar="").exists()


# --- Setting it -------------------------------------------------------------------------------------------

def test_an_upload_becomes_three_squares_on_the_cards_and_pays_the_rule(member, media,
                                                                        django_capture_on_commit_callbacks):
    client = english(signed_in(member))
    stamp = member.card_stamp
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"image": upload(picture("JPEG"), "photo.jpg", "image/jpeg")})
    assert response.status_code == 302 and response["Location"] == PAGE
    member.refresh_from_db()
    assert avatars.VALUE.fullmatch(member.avatar)
    assert member.card_stamp > stamp
    for px in (200, 120, 48):
        image = kept(media, member, px)
        assert image.size == (px, px) and image.format in ("WEBP", "PNG")
    assert avatar_files(media) == current_files(member)
    assert len(avatar_files(media)) == 3
    page = client.get(PAGE).content.decode()
    assert "Your new avatar is set." in page
    for px in (200, 120, 48):
        assert f'src="/media/avatars/{member.pk}/{member.avatar.split(".")[0]}-{px}.' in page
    profile = client.get(f"/user/{member.pk}/").content.decode()
    assert f'src="{member.avatar_url(120)}"' in profile and f"{member.avatar_url(200)} 200w" in profile
    assert avatar_entries(member) == [5]  # the default rule: 财富 +5, once
    assert credits_audit() == []


def test_the_member_s_own_card_on_a_thread_shows_the_new_avatar_at_once(member, thread):
    client = signed_in(member)
    assert "/media/avatars/" not in client.get(f"/thread/{thread.pk}/").content.decode()  # kept for a minute
    client.post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    assert member.avatar_url(120) in client.get(f"/thread/{thread.pk}/").content.decode()


@pytest.mark.parametrize("reader", ["guest", "member"])
def test_avatars_on_a_thread_page_cost_no_query_per_floor(board, member, media, reader):
    """The card's member row names the picture: a page of twenty authors with avatars costs what one does."""
    from luntan.forum import services as forum

    def with_avatar(i):
        author = MemberFactory()
        services.member_avatar_set(member=author, upload=upload(picture(colour=(i * 10, 80, 160))))
        author.refresh_from_db()
        return author

    opener = with_avatar(0)
    short = forum.thread_create(author=opener, board=board, title="一个人的帖子", source="你好", fmt="bbcode").thread
    long = forum.thread_create(author=opener, board=board, title="大家的帖子", source="你好", fmt="bbcode").thread
    authors = [with_avatar(i) for i in range(1, 20)]
    for author in authors:
        forum.post_reply(author=author, thread=long, source=f"{author.username} 来了", fmt="bbcode")
    client = Client() if reader == "guest" else signed_in(member)
    one = page_queries(client, f"/thread/{short.pk}/", cold=True)
    many = page_queries(client, f"/thread/{long.pk}/", cold=True)
    assert many == one
    html = client.get(f"/thread/{long.pk}/").content.decode()
    assert all(a.avatar_url(120) in html for a in [opener, *authors])


def test_the_header_and_the_member_list_show_the_small_size_or_the_tile(member, other_member):
    client = signed_in(member)
    for address in ("/", "/members/"):
        html = client.get(address).content.decode()
        assert f'avatar-letter avatar-small hue-{member.pk % 8}' in html
        assert "/media/avatars/" not in html
    client.post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    small = member.avatar_url(48)
    header = client.get("/").content.decode()
    assert f'<img class="avatar-small" src="{small}"' in header  # the kept user box names the version
    listing = client.get("/members/").content.decode()
    assert f'src="{small}"' in listing
    assert f'avatar-letter avatar-small hue-{other_member.pk % 8}' in listing  # no picture: the tile
    assert member.avatar_url(200) not in listing and member.avatar_url(120) not in listing


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_allowed_kind_is_accepted_whatever_its_name(member, media, fmt):
    client = english(signed_in(member))
    response = client.post(PAGE, {"image": upload(picture(fmt, size=(50, 80)), "no-extension",
                                                  "application/octet-stream")})
    assert response.status_code == 302
    assert kept(media, member).size == (200, 200)


def test_the_middle_of_a_wide_picture_is_kept(member, media):
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    wide.paste((0, 160, 0), (100, 0, 200, 100))  # red | green | red: the middle third is a square
    out = io.BytesIO()
    wide.save(out, format="PNG")
    signed_in(member).post(PAGE, {"image": upload(out.getvalue())})
    square = kept(media, member).convert("RGB")
    for x, y in [(3, 3), (196, 3), (100, 100), (3, 196), (196, 196)]:
        r, g, _b = square.getpixel((x, y))
        assert g > 120 and r < 60, (x, y, square.getpixel((x, y)))


def test_metadata_is_stripped_and_the_camera_s_orientation_followed(member, media):
    photo = Image.new("RGB", (200, 200), (255, 0, 0))
    photo.paste((0, 0, 255), (0, 100, 200, 200))  # red on top, blue below, as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010F] = "间谍相机"  # Make
    exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    photo.save(out, format="JPEG", exif=exif, comment=b"secret")
    signed_in(member).post(PAGE, {"image": upload(out.getvalue(), "p.jpg", "image/jpeg")})
    image = kept(media, member)
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert "icc_profile" not in image.info
    rgb = image.convert("RGB")
    # Turned clockwise: the top of the stored picture (red) is now on the right, blue on the left.
    assert rgb.getpixel((180, 100))[0] > 150 and rgb.getpixel((20, 100))[2] > 150
    for px in (120, 48):  # the smaller sizes are drawn from the clean picture: nothing of the upload either
        small = kept(media, member, px)
        assert not small.getexif() and "exif" not in small.info and "comment" not in small.info


def test_a_transparent_picture_stays_transparent(member, media):
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((10, 200, 10, 255), (16, 16, 48, 48))
    out = io.BytesIO()
    image.save(out, format="PNG")
    signed_in(member).post(PAGE, {"image": upload(out.getvalue())})
    square = kept(media, member).convert("RGBA")
    assert square.getpixel((2, 2))[3] == 0 and square.getpixel((100, 100))[3] == 255
    small = kept(media, member, 48).convert("RGBA")
    assert small.getpixel((1, 1))[3] == 0 and small.getpixel((24, 24))[3] == 255


def test_a_new_picture_gets_a_new_name_the_old_files_go_and_the_rule_pays_once(
        member, media, django_capture_on_commit_callbacks):
    client = signed_in(member)
    values = []
    for colour in [(200, 0, 0), (0, 200, 0), (200, 0, 0)]:  # the third is the first again
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(PAGE, {"image": upload(picture(colour=colour))}).status_code == 302
        member.refresh_from_db()
        values.append(member.avatar)
        assert avatar_files(media) == current_files(member)  # only the current three are left
    # The name follows the picture: another picture, another name; the same picture again, the same name.
    assert values[0] != values[1] and values[2] == values[0]
    assert avatar_entries(member) == [5]
    assert credits_audit() == []


def test_the_same_picture_again_keeps_its_files(member, media, django_capture_on_commit_callbacks):
    client = signed_in(member)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(PAGE, {"image": upload(picture())}).status_code == 302
    assert avatar_files(media) == current_files(member) and len(avatar_files(media)) == 3


def test_the_old_files_stay_until_the_commit(member, media, django_capture_on_commit_callbacks):
    """Replaced atomically: until the new row is committed, pages that name the old picture still find it."""
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_set(member=member, upload=upload(picture()))
    first = current_files(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.member_avatar_set(member=member, upload=upload(picture(colour=(0, 0, 200))))
        assert set(first) < set(avatar_files(media)) and len(avatar_files(media)) == 6
    for callback in callbacks:
        callback()
    assert avatar_files(media) == current_files(member) and not set(first) & set(avatar_files(media))


def test_a_failed_write_leaves_no_file_and_the_old_avatar(member, media, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_set(member=member, upload=upload(picture()))
    before = member.avatar
    files = avatar_files(media)

    def broken(**kwargs):
        raise RuntimeError("the ledger is down")

    monkeypatch.setattr(services, "rule_reward", broken)
    with pytest.raises(RuntimeError):
        services.member_avatar_set(member=member, upload=upload(picture(colour=(1, 2, 3))))
    member.refresh_from_db()
    assert member.avatar == before and avatar_files(media) == files == current_files(member)


# --- Removing it ------------------------------------------------------------------------------------------

def test_remove_goes_back_to_the_letter_and_a_new_avatar_does_not_pay_again(member, media,
                                                                            django_capture_on_commit_callbacks):
    client = english(signed_in(member))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    stamp = member.card_stamp
    assert REMOVE in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMOVE)
    assert response.status_code == 302 and response["Location"] == PAGE
    member.refresh_from_db()
    assert member.avatar == "" and member.card_stamp > stamp and avatar_files(media) == []
    page = client.get(PAGE).content.decode()
    assert "Your avatar has been removed" in page and "avatar-letter" in page
    assert client.post(REMOVE).status_code == 302  # twice: no error, nothing more
    client.post(PAGE, {"image": upload(picture(colour=(9, 9, 9)))})
    assert avatar_entries(member) == [5]
    assert credits_audit() == []


def test_a_get_on_the_remove_address_explains_and_removes_nothing(member, media):
    client = english(signed_in(member))
    client.post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    response = client.get(REMOVE)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert PAGE in response.content.decode()
    assert client.get(PAGE, {"remove": "1", "image": "x"}).status_code == 200
    assert Member.objects.get(pk=member.pk).avatar == member.avatar
    assert len(avatar_files(media)) == 3


# --- Refusals ---------------------------------------------------------------------------------------------

def _png_claiming(width: int, height: int) -> bytes:
    """A valid little PNG whose header claims another size (the pixels are never there)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = zlib.compress(b"\x00" + b"\x00\x00\x00" * 1)
    idat = b"IDAT" + data
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
            + struct.pack(">I", len(data)) + idat + struct.pack(">I", zlib.crc32(idat))
            + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _gif_bomb() -> bytes:
    """A GIF of a few bytes whose logical screen is 65535 × 65535 pixels."""
    small = picture("GIF", size=(4, 4))
    return small[:6] + struct.pack("<HH", 65535, 65535) + small[10:]


def _truncated_jpeg() -> bytes:
    data = picture("JPEG", size=(400, 400))
    return data[: len(data) // 3]


def _bmp() -> bytes:
    return picture("BMP", size=(20, 20))


def _broken_png() -> bytes:
    """A PNG whose header is fine and whose pixel data cannot be unpacked (its zlib stream is spoilt)."""
    data = bytearray(picture("PNG", size=(64, 64), colour=(10, 20, 30)))
    start = data.index(b"IDAT") + 4
    data[start:start + 2] = b"\xff\xff"
    return bytes(data)


MISMATCH = "says it is a picture"
REFUSALS = [
    ("no file", lambda: {}, "Please choose a picture to upload."),
    ("empty file", lambda: {"image": upload(b"")}, "This file is empty."),
    ("text", lambda: {"image": upload("我是一段文字,不是图片。".encode() * 10, "notes.txt", "text/plain")},
     "not an image we can use"),
    ("text renamed to .png", lambda: {"image": upload("我是一段文字,不是图片。".encode() * 10, "cat.png")},
     f"{MISMATCH} (.png), but what it holds is not a picture"),
    ("pdf sent as a jpeg", lambda: {"image": upload(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a.pdf",
                                                    "image/jpeg")}, f"{MISMATCH} (image/jpeg)"),
    ("html named .gif", lambda: {"image": upload(b"<html><script>alert(1)</script></html>", "x.gif", "text/html")},
     f"{MISMATCH} (.gif)"),
    ("svg", lambda: {"image": upload(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                                     "a.svg", "image/svg+xml")}, "not an image we can use"),
    ("bmp (an image, not an allowed kind)", lambda: {"image": upload(_bmp(), "a.bmp", "image/bmp")},
     "not an image we can use"),
    ("bmp named .png", lambda: {"image": upload(_bmp(), "a.png")}, f"{MISMATCH} (.png)"),
    ("truncated jpeg", lambda: {"image": upload(_truncated_jpeg(), "a.jpg", "image/jpeg")},
     "This picture is damaged or incomplete"),
    ("corrupt png", lambda: {"image": upload(_broken_png())}, "This picture is damaged or incomplete"),
    ("too wide", lambda: {"image": upload(picture(size=(avatars.MAX_SIDE + 1, 2)))},
     f"it claims {avatars.MAX_SIDE + 1} × 2 pixels"),
    ("decompression bomb", lambda: {"image": upload(_png_claiming(6000, 6000))}, "it claims 6000 × 6000 pixels"),
    ("pillow's own bomb limit", lambda: {"image": upload(_png_claiming(20000, 20000))}, "This picture is too large"),
    ("gif bomb", lambda: {"image": upload(_gif_bomb(), "a.gif", "image/gif")}, "This picture is too large"),
    ("over the group's size", lambda: {"image": upload(b"\x89PNG" + b"\x00" * (513 * 1024))},
     "This file is 514 KB; an avatar may be at most 512 KB."),
]


@pytest.mark.parametrize(("case", "data", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_upload_says_why_and_changes_nothing(member, media, case, data, message):
    client = english(signed_in(member))
    stamp = member.card_stamp
    response = client.post(PAGE, data())
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    member.refresh_from_db()
    assert member.avatar == "" and member.card_stamp == stamp
    assert avatar_files(media) == [] and avatar_entries(member) == []


def test_a_refused_upload_keeps_the_avatar_one_had(member, media, django_capture_on_commit_callbacks):
    client = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    files = avatar_files(media)
    response = client.post(PAGE, {"image": upload(b"hello", "a.png")})
    assert response.status_code == 400
    assert Member.objects.get(pk=member.pk).avatar == member.avatar
    assert avatar_files(media) == files == current_files(member)


@pytest.mark.parametrize(("data", "words"), [
    (lambda: upload(b"hello", "a.txt", "text/plain"), "不是可用的图片"),
    (lambda: upload(b"hello", "a.png"), "自称是图片（.png），但内容并不是图片"),
    (lambda: upload(_truncated_jpeg(), "a.jpg", "image/jpeg"), "图片已损坏或不完整"),
    (lambda: upload(_png_claiming(30000, 30000)), "图片尺寸过大"),
    (lambda: upload(_png_claiming(9000, 9000)), "它声称有 9000 × 9000 像素"),
    (lambda: upload(b"\x89PNG" + b"\x00" * (513 * 1024)), "头像最大 512 KB"),
], ids=["not an image", "lies about its type", "corrupt", "bomb", "too many pixels", "too big"])
def test_the_refusal_is_in_chinese_by_default(member, data, words):
    response = signed_in(member).post(PAGE, {"image": data()})
    assert response.status_code == 400
    assert words in response.content.decode()


def test_the_size_limit_is_the_group_s_within_the_site_s_cap(member, media, settings):
    set_limit(member, 10240)
    settings.LUNTAN = {**settings.LUNTAN, "AVATAR_MAX_KB": 3}
    client = english(signed_in(member))
    assert "at most 3 KB" in client.get(PAGE).content.decode()
    big = upload(b"\x89PNG" + b"\x00" * 4 * 1024)
    assert "an avatar may be at most 3 KB" in client.post(PAGE, {"image": big}).content.decode()
    settings.LUNTAN = {**settings.LUNTAN, "AVATAR_MAX_KB": 2048}
    set_limit(member, 1)
    response = client.post(PAGE, {"image": upload(picture("PNG", size=(400, 400), colour=(1, 2, 3)) + b"\x00" * 1024)})
    assert response.status_code == 400 and "at most 1 KB" in response.content.decode()
    assert avatar_files(media) == []


@pytest.mark.parametrize("rule", ["silenced", "no attachments"])
def test_a_group_that_may_not_upload_is_told_so(member, media, rule):
    if rule == "silenced":  # 禁止发言: may not post, so may not change the picture beside the posts either
        Member.objects.filter(pk=member.pk).update(group=MemberGroup.objects.get(role=MemberGroup.Role.SILENCED))
    else:
        set_limit(member, 0)
    client = english(signed_in(member))
    page = client.get(PAGE).content.decode()
    assert "Your user group may not upload pictures." in page and 'type="file"' not in page
    response = client.post(PAGE, {"image": upload(picture())})
    assert response.status_code == 403 and "may not upload pictures" in response.content.decode()
    assert avatar_files(media) == [] and Member.objects.get(pk=member.pk).avatar == ""


# --- Serving the files ------------------------------------------------------------------------------------

def assert_inert_picture(response, *, px: int) -> bytes:
    """An avatar as the site serves it: a picture of ours, never sniffed, unable to run, kept for a year."""
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/webp", "image/png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Disposition"].startswith("inline;")
    assert "Set-Cookie" not in response and not response.cookies
    body = response.content
    assert int(response["Content-Length"]) == len(body)
    image = Image.open(io.BytesIO(body))
    assert image.size == (px, px) and Image.MIME[image.format] == response["Content-Type"]
    return body


@pytest.mark.parametrize("px", [200, 120, 48])
def test_the_site_serves_each_size_as_an_inert_long_kept_picture(member, media, px):
    signed_in(member).post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    response = Client().get(member.avatar_url(px))
    body = assert_inert_picture(response, px=px)
    assert body == (media / avatars.file_name(member.pk, member.avatar, px)).read_bytes()
    again = Client().get(member.avatar_url(px), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_former_version_s_address_leads_to_the_current_picture(member, media, django_capture_on_commit_callbacks):
    """A kept page may be a minute old: the address of the picture it names still shows the member's own."""
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_set(member=member, upload=upload(picture()))
    former = member.avatar_url(120)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_set(member=member, upload=upload(picture(colour=(0, 90, 200))))
    response = Client().get(former)
    assert response.status_code == 302 and response["Location"] == member.avatar_url(120)
    assert "max-age=60" in response["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_remove(member=member)
    gone = Client().get(former)
    assert gone.status_code == 404 and gone.content == b"" and gone["Content-Type"] == "text/plain"


@pytest.mark.parametrize("address", [
    "/media/avatars/1/0123456789abcdef-200.webp",  # nobody's picture
    "/media/avatars/1/0123456789abcdef-64.webp",  # not one of the sizes
    "/media/avatars/1/0123456789abcdef-200.svg",
    "/media/avatars/1/0123456789ABCDEF-200.webp",
    "/media/avatars/99999999999999999999999/0123456789abcdef-48.png",
    "/media/avatars/1/..%2f..%2fsecret_key",
])
def test_made_up_avatar_addresses_are_404(client, media, address):
    assert client.get(address).status_code in (400, 404)  # 400: a path that leaves the folder


def test_only_get_and_head(member, media):
    signed_in(member).post(PAGE, {"image": upload(picture())})
    member.refresh_from_db()
    assert Client().head(member.avatar_url(48)).status_code == 200
    assert Client().post(member.avatar_url(48)).status_code == 405


def test_fetching_avatars_is_not_a_visit(member, media):
    """A page with twenty avatars is one visit: pictures do not mark their viewer online."""
    services.member_avatar_set(member=member, upload=upload(picture()))
    reader = MemberFactory()
    presence.forget_local()
    assert signed_in(reader).get(member.avatar_url(48)).status_code == 200
    assert Client().get(member.avatar_url(48), HTTP_SEC_FETCH_DEST="image").status_code == 200
    assert presence.online() == ([], 0)
    signed_in(reader).get("/")
    assert [uid for uid, _name in presence.online()[0]] == [reader.pk]


@pytest.mark.parametrize("path", ["/media/../secret_key", "/media/%2e%2e/secret_key", "/media/avatars/",
                                  "/media/avatars/none.webp", "/media//etc/passwd"])
def test_nothing_outside_the_uploads_is_served(client, media, path):
    (media / "avatars").mkdir(parents=True)
    assert client.get(path).status_code in (400, 404)  # 400: a path that leaves the folder


def test_the_avatar_page_reads_a_constant_number_of_queries(member, django_assert_max_num_queries):
    client = signed_in(member)
    client.get(PAGE)
    with django_assert_max_num_queries(6):
        client.get(PAGE)


# --- At the same time -------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_simultaneous_uploads_leave_one_avatar_its_files_and_one_reward(media):
    member = MemberFactory()
    barrier = threading.Barrier(4)
    errors = []

    def send(colour):
        try:
            barrier.wait()
            services.member_avatar_set(member=Member.objects.get(pk=member.pk), upload=upload(picture(colour=colour)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=((40 * i, 0, 0),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert avatar_files(media) == current_files(member) and len(avatar_files(media)) == 3
    assert avatar_entries(member) == [5]
    assert credits_audit() == []


# --- The demo ---------------------------------------------------------------------------------------------

def test_a_handful_of_demo_members_get_drawn_avatars_and_the_others_keep_the_tile(media):
    import random

    from django.utils import timezone

    from luntan.accounts import demo

    named = [MemberFactory(username=name) for name in ("柠檬精", "咸鱼翻身", "一只程序猿")]
    others = MemberFactory.create_batch(6)
    demo.fill_demo(members=[*named, *others], rng=random.Random(8), now=timezone.now())
    pictured = list(Member.objects.exclude(avatar="").order_by("pk"))
    assert {m.username for m in named} <= {m.username for m in pictured}
    assert len(pictured) == len(named) + len(demo.OTHERS)  # the rest keep their letter tile
    for m in pictured:
        assert sorted(avatars.file_names(m.pk, m.avatar)) == [f for f in avatar_files(media) if f"/{m.pk}/" in f]
    assert len({m.avatar for m in pictured}) == len(pictured)  # each a picture of its own


# --- Avatars of the former kind (one 192-pixel file) --------------------------------------------------------

def test_the_migration_draws_former_avatars_again_in_three_sizes(media):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("luntan.accounts.migrations.0011_avatars_three_sizes")
    kept_one, lost_one, tile = MemberFactory(), MemberFactory(), MemberFactory()
    (media / "avatars").mkdir(parents=True)
    former = f"avatars/{kept_one.pk}-0a1b2c3d4e5f60718293.webp"
    Image.new("RGB", (192, 192), (20, 160, 90)).save(media / former, format="WEBP")
    Member.objects.filter(pk=kept_one.pk).update(avatar=former)
    Member.objects.filter(pk=lost_one.pk).update(avatar=f"avatars/{lost_one.pk}-ffffffffffffffffffff.webp")
    migration.redraw_former_avatars(apps, None)
    kept_one.refresh_from_db()
    assert avatars.VALUE.fullmatch(kept_one.avatar)
    assert avatar_files(media) == current_files(kept_one)  # the former file is gone, the three sizes are there
    r, g, b = kept(media, kept_one, 48).convert("RGB").getpixel((24, 24))
    assert g > 120 and r < 60
    assert Member.objects.get(pk=lost_one.pk).avatar == ""  # no file to draw from: the letter tile
    assert Member.objects.get(pk=tile.pk).avatar == ""


# --- 清除头像: an administrator removes a picture ------------------------------------------------------------

def test_an_administrator_removes_members_avatars_from_the_admin(admin, member, other_member, media,
                                                                 django_capture_on_commit_callbacks):
    for m in (member, other_member):
        with django_capture_on_commit_callbacks(execute=True):
            services.member_avatar_set(member=m, upload=upload(picture(colour=(m.pk % 255, 9, 9))))
    client = english(signed_in(admin))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/accounts/member/", {"action": "remove_avatars", "_selected_action": [member.pk]},
                               follow=True)
    assert response.status_code == 200 and "1 avatar removed." in response.content.decode()
    assert Member.objects.get(pk=member.pk).avatar == ""
    assert avatar_files(media) == current_files(other_member)  # the other member's picture stays


def test_only_an_administrator_may_remove_another_member_s_avatar(member, other_member, media):
    services.member_avatar_set(member=other_member, upload=upload(picture()))
    with pytest.raises(PermissionDenied):
        services.member_avatar_remove(by=member, member=other_member)
    assert Member.objects.get(pk=other_member.pk).avatar != ""
