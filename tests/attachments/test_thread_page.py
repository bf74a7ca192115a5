"""Uploads in the thread page: pictures inline (a thumbnail linking to the full size), attachments listed
under their floor, kept with the floor and shown again when they change, in a constant number of queries."""

from helpers import page_queries, signed_in

from attachments.making import png, upload, zip_bytes
from luntan.attachments import services as attachment_services
from luntan.attachments import views
from luntan.attachments.models import Attachment
from luntan.forum import services
from luntan.forum.models import Floor


def post_with(member, thread, *uploads, fmt: str = "bbcode"):
    source = "看附件:\n" + "\n".join(views.described(a)[fmt] for a in uploads)
    return services.post_reply(author=member, thread=thread, source=source, fmt=fmt)


def page(client, thread) -> str:
    response = client.get(f"/thread/{thread.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_pasted_picture_shows_in_its_floor_as_a_thumbnail_linking_to_the_full_size(member, client, thread):
    picture = upload(member, "风景.png", png(), "image/png")
    for fmt in ("bbcode", "markdown"):
        post_with(member, thread, picture, fmt=fmt)
    html = page(client, thread)
    full, thumb = views.image_url(picture), views.image_url(picture, thumb=True)
    assert html.count(f'<a href="{full}" rel="nofollow ugc noopener"><img src="{thumb}"') == 2


def test_attachments_are_listed_under_their_floor_for_every_reader(member, client, thread):
    file = upload(member, "资料合集.zip", zip_bytes(), "application/zip")
    floor = post_with(member, thread, file)
    html = page(client, thread)
    assert f'<a href="/attachment/{file.pk}/" rel="nofollow ugc noopener">\U0001f4ce{file.pk}</a>' in html  # the token
    listed = html.split(f'id="floor-{floor.number}"', 1)[1]
    assert "资料合集.zip" in listed and "下载 0 次" in listed


def test_the_list_changes_when_the_uploader_sets_a_price(member, client, thread, django_capture_on_commit_callbacks):
    file = upload(member, "资料合集.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    assert "售价" not in page(client, thread)
    file.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attachment_services.attachment_update(member=member, attachment=file, price=8, min_level_id=None)
    assert "售价 8 鼎币" in page(client, thread)


def test_download_counts_reach_the_list_after_a_flush(member, other_member, client, thread,
                                                      django_capture_on_commit_callbacks):
    file = upload(member, "资料合集.zip", zip_bytes(), "application/zip")
    post_with(member, thread, file)
    assert "下载 0 次" in page(client, thread)
    signed_in(other_member).get(f"/attachment/{file.pk}/download/")
    with django_capture_on_commit_callbacks(execute=True):
        attachment_services.downloads_flush()
    assert "下载 1 次" in page(client, thread)


def test_an_unused_upload_is_shown_nowhere(member, client, thread):
    upload(member, "没用上.zip", zip_bytes(), "application/zip")
    services.post_reply(author=member, thread=thread, source="没有附件的回复", fmt="bbcode")
    assert "没用上" not in page(client, thread)


def test_a_member_cannot_take_someone_elses_upload_into_their_floor(member, other_member, client, thread):
    file = upload(member, "我的.zip", zip_bytes(), "application/zip")
    services.post_reply(author=other_member, thread=thread, source=f"[attach]{file.pk}[/attach]", fmt="bbcode")
    assert Attachment.objects.get(pk=file.pk).floor_id is None
    assert "我的.zip" not in page(client, thread)


def test_an_attachment_taken_out_of_the_text_leaves_the_floor(member, client, thread):
    file = upload(member, "资料.zip", zip_bytes(), "application/zip")
    floor = post_with(member, thread, file)
    services.floor_edit(editor=member, floor=Floor.objects.get(pk=floor.pk), source="改了，不要附件了", fmt="bbcode")
    assert Attachment.objects.get(pk=file.pk).floor_id is None
    assert "资料.zip" not in page(client, thread)


def test_the_thread_page_costs_the_same_queries_with_one_or_many_attachments(member, make_thread):
    one, many = make_thread(title="一个附件"), make_thread(title="很多附件")
    post_with(member, one, upload(member, "a.zip", zip_bytes(), "application/zip"),
              upload(member, "a.png", png(), "image/png"))
    for i in range(6):
        post_with(member, many, upload(member, f"{i}.zip", zip_bytes(), "application/zip"),
                  upload(member, f"{i}.png", png(), "image/png"))
    bare = make_thread(title="没有附件", replies=9)
    for client in (signed_in(member), signed_in(member).__class__()):
        counts = {t.title: page_queries(client, f"/thread/{t.pk}/", cold=True) for t in (bare, one, many)}
        assert counts["一个附件"] == counts["很多附件"], counts
        assert counts["一个附件"] <= counts["没有附件"] + 1, counts  # the list's one query
