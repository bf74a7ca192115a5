"""Uploading from the editor: what is accepted and how it is stored, and every refusal, each with a message
the member reads and nothing stored."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from attachments.making import jpeg, png, png_claiming, stored_names, zip_bytes
from luntan.accounts.models import MemberGroup
from luntan.attachments.models import Attachment
from luntan.core import pagecache

URL = "/uploads/new/"


def send(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=content_type)},
                       HTTP_ACCEPT="application/json")


def assert_refused(response, status: int, words: str) -> None:
    assert response.status_code == status, response.content
    assert words in response.json()["error"]
    assert Attachment.objects.count() == 0
    assert stored_names() == []


def test_a_picture_is_re_encoded_with_a_thumbnail_and_described_for_both_formats(member_client):
    response = send(member_client, "截图.png", png(1200, 900), "image/png")
    assert response.status_code == 201
    data = response.json()
    found = Attachment.objects.get(pk=data["id"])
    assert found.kind == "image" and (found.width, found.height) == (1200, 900)
    full, thumb = f"/uploads/image/{found.pk}/{found.key}.png", f"/uploads/thumb/{found.pk}/{found.key}.png"
    assert data["bbcode"] == f"[url={full}][img]{thumb}[/img][/url]"
    assert data["markdown"] == f"[![截图]({thumb})]({full})"
    with default_storage.open(found.thumbnail) as handle:
        assert max(Image.open(handle).size) == 480
    assert len(stored_names()) == 2


def test_a_photo_is_turned_upright_and_loses_its_exif(member_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turned 90°
    exif[0x010F] = "某品牌相机"
    response = send(member_client, "旅行.jpg", jpeg(60, 20, exif=exif.tobytes()), "image/jpeg")
    assert response.status_code == 201
    found = Attachment.objects.get(pk=response.json()["id"])
    with default_storage.open(found.file) as handle:
        image = Image.open(handle)
        assert image.format == "JPEG" and image.size == (20, 60)
        assert not image.getexif() and "exif" not in image.info


def test_a_file_is_kept_as_it_was_uploaded(member_client):
    data = zip_bytes()
    response = send(member_client, "资料.zip", data, "application/zip")
    assert response.status_code == 201
    body = response.json()
    assert body["bbcode"] == body["markdown"] == f"[attach]{body['id']}[/attach]"
    found = Attachment.objects.get(pk=body["id"])
    assert found.kind == "file" and found.content_type == "application/zip" and found.floor_id is None
    with default_storage.open(found.file) as handle:
        assert handle.read() == data


@pytest.mark.parametrize("name, data, content_type", [
    ("报告.docx", zip_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("表格.xlsx", zip_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("论文.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ("笔记.txt", "中文笔记，GB18030 编码".encode("gb18030"), "text/plain"),
    ("压缩包.zip", zip_bytes(), "application/x-zip-compressed"),
])
def test_the_usual_kinds_of_files_are_accepted(member_client, name, data, content_type):
    response = send(member_client, name, data, content_type)
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().name == name


def test_a_guest_cannot_upload(client, db):
    assert_refused(send(client, "a.png", png(), "image/png"), 403, "请先登录")


def test_a_file_above_the_group_limit_is_refused(member, member_client):
    MemberGroup.objects.filter(pk=member.group_id).update(max_attachment_kb=1)
    pagecache.bump_now("groups")
    assert_refused(send(member_client, "大.zip", zip_bytes() + b"\0" * 2048, "application/zip"), 400, "最多")


@pytest.mark.parametrize("name, data, content_type", [
    ("setup.exe", b"MZ\x90\x00" + b"\0" * 60, "application/x-msdownload"),
    ("图标.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("数据.xml", b"<?xml version='1.0'?><a/>", "text/xml"),
    ("说明.txt", b"hello", "text/html"),  # a harmless name with a page's type
    ("noextension", b"PK\x03\x04", "application/zip"),
])
def test_a_refused_type_is_refused(member_client, name, data, content_type):
    assert_refused(send(member_client, name, data, content_type), 400, "不能上传")


def test_a_type_the_group_does_not_allow_is_refused(member, member_client):
    MemberGroup.objects.filter(pk=member.group_id).update(attachment_types="txt")
    pagecache.bump_now("groups")
    assert_refused(send(member_client, "资料.zip", zip_bytes(), "application/zip"), 400, "不能上传")


@pytest.mark.parametrize("name, data, content_type", [
    ("照片.png", jpeg(), "image/png"),  # a JPEG named PNG
    ("论文.pdf", zip_bytes(), "application/pdf"),  # a zip named PDF
    ("资料.zip", png(), "image/png"),  # a picture's type on a zip's name
    ("歌.mp3", b"not music at all", "audio/mpeg"),
    ("readme.txt", b"<!DOCTYPE html><html><body>hi</body></html>", "text/plain"),  # a page named text
    ("readme.txt", b"\x00\x01binary\xff", "text/plain"),
    ("图片.png", png(), "application/zip"),
])
def test_content_that_lies_about_its_type_is_refused(member_client, name, data, content_type):
    assert_refused(send(member_client, name, data, content_type), 400, "不符")


@pytest.mark.parametrize("width, height", [(50_000, 50_000), (12_000, 10), (7_000, 7_000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(member_client, width, height):
    assert_refused(send(member_client, "炸弹.png", png_claiming(width, height), "image/png"), 400, "像素")


@pytest.mark.parametrize("data", [
    png()[:60],  # cut short
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
    png()[:40] + b"\x00" * 30 + png()[70:],  # damaged in the middle
])
def test_a_corrupt_picture_is_refused(member_client, data):
    assert_refused(send(member_client, "坏图.png", data, "image/png"), 400, "损坏")


def test_a_group_without_pictures_cannot_upload_one(member, member_client):
    MemberGroup.objects.filter(pk=member.group_id).update(allow_images=False)
    pagecache.bump_now("groups")
    assert_refused(send(member_client, "a.png", png(), "image/png"), 400, "图片")


def test_a_silenced_member_cannot_upload(silenced_member):
    from helpers import signed_in

    assert_refused(send(signed_in(silenced_member), "a.png", png(), "image/png"), 403, "上传")


def test_too_many_uploads_are_refused_until_later(member_client, settings):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**settings.LUNTAN["LIMITS"], "UPLOAD_PER_MEMBER": (2, 86400)}}
    for _ in range(2):
        assert send(member_client, "a.png", png(), "image/png").status_code == 201
    response = send(member_client, "a.png", png(), "image/png")
    assert response.status_code == 429 and "太频繁" in response.json()["error"]
    assert Attachment.objects.count() == 2 and len(stored_names()) == 4


def test_an_upload_needs_the_form_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = send(client, "a.png", png(), "image/png")
    assert response.status_code == 403
    assert Attachment.objects.count() == 0


def test_an_animated_gif_keeps_its_first_frame_as_a_png(member_client):
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    response = send(member_client, "动图.gif", out.getvalue(), "image/gif")
    assert response.status_code == 201
    found = Attachment.objects.get(pk=response.json()["id"])
    assert found.content_type == "image/png" and found.name == "动图.png"
    with default_storage.open(found.file) as handle:
        image = Image.open(handle)
        assert image.format == "PNG" and getattr(image, "n_frames", 1) == 1
