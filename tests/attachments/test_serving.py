"""Serving: every file comes through the site's own views with headers that keep a browser from taking it for
a page; who may open what (orphans, hidden floors, levels, prices) is checked there."""

import re

import pytest
from helpers import signed_in

from attachments.making import png, upload, zip_bytes
from luntan.attachments import services as attachment_services
from luntan.attachments import views
from luntan.attachments.models import Attachment
from luntan.forum import services


def post_with(member, thread, *uploads, fmt: str = "bbcode"):
    """A reply by `member` that uses the uploads, as the editor puts them in."""
    source = "看附件:\n" + "\n".join(views.described(a)[fmt] for a in uploads)
    return services.post_reply(author=member, thread=thread, source=source, fmt=fmt)


def assert_file_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_picture_is_served_inline_with_headers_of_its_own(client, member):
    picture = upload(member, "风景.png", png(), "image/png")
    for address in (views.image_url(picture), views.image_url(picture, thumb=True)):
        response = client.get(address)
        assert response.status_code == 200
        assert_file_headers(response)
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("change", [
    lambda a: f"/uploads/image/{a.pk}/{'0' * 32}.png",  # the wrong key
    lambda a: f"/uploads/image/{a.pk + 1}/{a.key}.png",  # another id
    lambda a: f"/uploads/image/{a.pk}/{a.key}.jpg",  # another extension
    lambda a: f"/uploads/image/{a.pk}/{a.key}.png.html",
])
def test_a_picture_address_must_be_exact(client, member, change):
    picture = upload(member, "风景.png", png(), "image/png")
    assert client.get(change(picture)).status_code == 404


def test_an_attachment_is_served_as_a_download_with_its_name(member, other_member, thread):
    data = zip_bytes()
    file = upload(member, "资料 \"合集\";.zip", data, "application/zip")
    post_with(member, thread, file)
    response = signed_in(other_member).get(f"/attachment/{file.pk}/download/")
    assert response.status_code == 200
    assert_file_headers(response)
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The name, percent-encoded: its quotes and semicolon cannot end the header's value.
    assert re.fullmatch(r"attachment; filename\*=utf-8''[^\"; \s]+", disposition), disposition
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == data


def test_a_guest_is_sent_to_log_in_before_downloading(client, member, thread):
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    response = client.get(f"/attachment/{file.pk}/download/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_orphan_is_shown_to_its_uploader_only(member, other_member, member_client):
    file = upload(member, "草稿.zip", zip_bytes(), "application/zip")
    assert member_client.get(f"/attachment/{file.pk}/").status_code == 200
    other = signed_in(other_member)
    assert other.get(f"/attachment/{file.pk}/").status_code == 404
    assert other.get(f"/attachment/{file.pk}/download/").status_code == 404


def test_an_attachment_of_a_deleted_floor_is_gone_for_members(member, other_member, moderator, thread):
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    floor = post_with(member, thread, file)
    services.floor_delete(member=member, floor=floor)
    assert signed_in(other_member).get(f"/attachment/{file.pk}/").status_code == 404
    assert signed_in(moderator).get(f"/attachment/{file.pk}/").status_code == 200


def test_a_download_is_counted_without_a_database_write(member, other_member, thread, django_assert_num_queries):
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    reader = signed_in(other_member)
    reader.get(f"/attachment/{file.pk}/")  # warms the reader's session and the kept tables
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert reader.get(f"/attachment/{file.pk}/download/").status_code == 200
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert [w for w in writes if "attachments_attachment" in w] == []
    assert Attachment.objects.get(pk=file.pk).download_count == 0
    assert attachment_services.downloads_flush() == 1
    assert Attachment.objects.get(pk=file.pk).download_count == 3
    assert attachment_services.downloads_flush() == 0


def test_a_file_name_is_escaped_everywhere_it_is_shown(member, other_member, thread):
    name = "<img src=x onerror=alert(1)>.zip"
    file = upload(member, name, zip_bytes(), "application/zip")
    post_with(member, thread, file)
    for address in (f"/thread/{thread.pk}/", f"/attachment/{file.pk}/"):
        html = signed_in(other_member).get(address).content.decode()
        assert "<img src=x onerror" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;.zip" in html


def test_an_svg_can_never_be_served_inline_even_if_one_were_stored(member, other_member, thread):
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    Attachment.objects.filter(pk=file.pk).update(content_type="image/svg+xml", name="x.svg")
    response = signed_in(other_member).get(f"/attachment/{file.pk}/download/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_paid_file_cannot_be_fetched_from_the_upload_folder_by_its_stored_name(member, other_member, thread):
    """The site's own /media/ route (make run without nginx) serves avatars only: a stored attachment's name,
    were it ever known, does not get round its price."""
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    attachment_services.attachment_update(member=member, attachment=file, price=5, min_level_id=None)
    stored = Attachment.objects.get(pk=file.pk)
    names = [n for n in vars(stored).values() if isinstance(n, str) and n.startswith("attachments/")]
    assert names, "the attachment's stored name"
    for name in names:
        assert signed_in(other_member).get(f"/media/{name}").status_code == 404
