"""Files sent with the post forms, without JavaScript: the plain file field of the new-thread, reply and edit
pages. Each file goes through the editor's checks; pictures show inline in the floor, other files are listed
under it, in the order chosen. A refused file or post keeps what the member typed and stores nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import MemberFactory
from helpers import signed_in

from attachments.making import jpeg, png, png_claiming, stored_names, zip_bytes
from luntan.accounts.models import MemberGroup
from luntan.attachments import services
from luntan.attachments.models import Attachment
from luntan.core import pagecache
from luntan.forum import services as forum_services
from luntan.forum.models import Floor, Thread

PICTURE_RE = r"\[url=/uploads/image/(\d+)/[0-9a-f]{32}\.png\]\[img\]/uploads/thumb/\1/[0-9a-f]{32}\.png\[/img\]\[/url\]"


def picture(name: str = "晚霞.png", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png(), content_type="image/png")


def archive(name: str = "拍摄参数.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, zip_bytes(), content_type="application/zip")


def reply(client, thread, *files, source: str = "今天的晚霞", fmt: str = "bbcode", key: str = ""):
    data = {"source": source, "format": fmt, "uploads": list(files)}
    if key:
        data["submission_key"] = key
    return client.post(f"/thread/{thread.pk}/reply/", data)


def floor_html(client, thread, number: int) -> str:
    html = client.get(f"/thread/{thread.pk}/").content.decode()
    return html.split(f'id="floor-{number}"', 1)[1].split(f'id="floor-{number + 1}"', 1)[0]


def assert_nothing_kept(thread, floors_before: int = 1) -> None:
    assert thread.floors.count() == floors_before
    assert Attachment.objects.count() == 0
    assert stored_names() == []


# --- The form ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["reply", "new", "edit"])
def test_each_post_form_has_a_labelled_plain_file_field(member, member_client, thread, board, page):
    url = {"reply": f"/thread/{thread.pk}/reply/", "new": f"/thread/new/?board={board.pk}",
           "edit": f"/floor/{thread.floors.get(number=1).pk}/edit/"}[page]
    html = member_client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in html
    field = re.search(r'<input type="file" name="uploads" id="id_uploads" multiple\s+aria-describedby="([^"]+)"',
                      html)
    assert field and field.group(1) == "id_uploads-hint"
    assert '<label for="id_uploads">图片和文件</label>' in html
    hint = re.search(r'id="id_uploads-hint">([^<]+)<', html).group(1)
    assert f"每个不超过 {services.limit_kb(member)} KB" in hint and "合计不超过 2.9 MB" in hint
    assert "zip" in hint and "png" in hint


def test_a_member_whose_group_may_not_upload_gets_no_file_field(member, member_client, thread):
    MemberGroup.objects.filter(pk=member.group_id).update(max_attachment_kb=0)
    pagecache.bump_now("groups")
    html = member_client.get(f"/thread/{thread.pk}/reply/").content.decode()
    assert 'name="uploads"' not in html and "multipart" not in html


def test_a_moderator_editing_someone_elses_floor_gets_no_file_field(moderator_client, thread):
    html = moderator_client.get(f"/floor/{thread.floors.get(number=1).pk}/edit/").content.decode()
    assert 'name="uploads"' not in html


# --- What is posted ---------------------------------------------------------------------------------------

def test_a_picture_sent_with_a_reply_shows_inline_in_the_floor(member_client, thread, client):
    response = reply(member_client, thread, picture())
    assert response.status_code == 302 and response["Location"].endswith("#floor-2")
    floor = thread.floors.get(number=2)
    found = Attachment.objects.get()
    assert found.floor_id == floor.pk and found.kind == "image" and found.name == "晚霞.png"
    assert re.fullmatch(r"今天的晚霞\n" + PICTURE_RE, floor.source)
    assert len(stored_names()) == 2  # the picture and its thumbnail
    html = floor_html(client, thread, 2)
    full, thumb = f"/uploads/image/{found.pk}/{found.key}.png", f"/uploads/thumb/{found.pk}/{found.key}.png"
    assert f'<a href="{full}" rel="nofollow ugc noopener"><img src="{thumb}"' in html
    assert client.get(f"/uploads/thumb/{found.pk}/{found.key}.png").status_code == 200


def test_a_file_sent_with_a_reply_is_listed_under_the_floor(member_client, thread, client):
    assert reply(member_client, thread, archive()).status_code == 302
    floor = thread.floors.get(number=2)
    found = Attachment.objects.get()
    assert found.floor_id == floor.pk and found.kind == "file"
    assert floor.source == f"今天的晚霞\n[attach]{found.pk}[/attach]"
    listed = floor_html(client, thread, 2).split('class="attachments"', 1)[1]
    assert "拍摄参数.zip" in listed and f'href="/attachment/{found.pk}/"' in listed


def test_pictures_and_files_keep_the_order_chosen_and_pictures_lose_their_exif(member_client, thread):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "某品牌相机"
    photo = SimpleUploadedFile("相机.jpg", jpeg(exif=exif.tobytes()), content_type="image/jpeg")
    assert reply(member_client, thread, picture("一.png"), archive("二.zip"), photo).status_code == 302
    first, second, third = Attachment.objects.order_by("pk")
    assert [a.name for a in (first, second, third)] == ["一.png", "二.zip", "相机.jpg"]
    source = thread.floors.get(number=2).source
    assert source.index(f"/uploads/thumb/{first.pk}/") < source.index(f"[attach]{second.pk}[/attach]") \
        < source.index(f"/uploads/thumb/{third.pk}/")
    from django.core.files.storage import default_storage

    with default_storage.open(third.file) as handle:
        assert not Image.open(handle).getexif()


def test_a_new_thread_in_markdown_may_be_just_a_picture(member_client, board):
    response = member_client.post(f"/thread/new/?board={board.pk}", {
        "title": "只发一张图", "source": "", "format": "markdown", "uploads": [picture("山.png")]})
    assert response.status_code == 302
    floor = Floor.objects.get(thread__title="只发一张图")
    found = Attachment.objects.get()
    assert found.floor_id == floor.pk
    full, thumb = f"/uploads/image/{found.pk}/{found.key}.png", f"/uploads/thumb/{found.pk}/{found.key}.png"
    assert floor.source == f"[![山]({thumb})]({full})"
    assert f'<img src="/uploads/thumb/{found.pk}/{found.key}.png"' in floor.html


def test_editing_ones_floor_adds_the_files_after_the_text(member_client, thread):
    opening = thread.floors.get(number=1)
    response = member_client.post(f"/floor/{opening.pk}/edit/", {
        "title": thread.title, "source": "补一个附件", "format": "bbcode", "uploads": [archive()]})
    assert response.status_code == 302
    found = Attachment.objects.get()
    opening.refresh_from_db()
    assert opening.source == f"补一个附件\n[attach]{found.pk}[/attach]" and found.floor_id == opening.pk


def test_a_double_click_posts_once_and_keeps_one_copy_of_the_files(member_client, thread,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = reply(member_client, thread, picture(), key="c" * 32)
    again = reply(member_client, thread, picture(), key="c" * 32)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert thread.floors.count() == 2
    assert Attachment.objects.count() == 1 and len(stored_names()) == 2


def test_a_reply_without_files_costs_no_more_queries_than_before(member_client, thread, django_assert_max_num_queries):
    reply(member_client, thread, source="先来一帖")  # the small tables kept in memory are read once
    with django_assert_max_num_queries(32):  # what a reply cost before the file field
        assert reply(member_client, thread, source="再来一帖").status_code == 302
    with django_assert_max_num_queries(2):
        assert member_client.get(f"/thread/{thread.pk}/reply/").status_code == 200


# --- Refusals: the text is kept, nothing is posted or stored ----------------------------------------------

@pytest.mark.parametrize("name, data, content_type, words", [
    ("setup.exe", b"MZ\x90\x00" + b"\0" * 60, "application/x-msdownload", "不能上传"),
    ("照片.png", jpeg(), "image/png", "不符"),  # a JPEG named PNG
    ("炸弹.png", png_claiming(50_000, 50_000), "image/png", "像素"),
    ("坏图.png", png()[:60], "image/png", "损坏"),
    ("图标.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml",
     "不能上传"),
])
def test_a_refused_file_names_itself_and_keeps_the_text(member_client, thread, name, data, content_type, words):
    typed = "这段话我写了很久，不能丢。"
    refused = SimpleUploadedFile(name, data, content_type=content_type)
    response = reply(member_client, thread, picture("好图.png"), refused, source=typed)
    html = response.content.decode()
    assert response.status_code == 400
    errors = re.search(r'<div id="id_uploads-errors" role="alert">(.*?)</div>', html, re.S).group(1)
    assert f"“{name}”未能附上" in errors and words in errors and "请重新选择" in errors
    assert typed in html and 'aria-invalid="true"' in html
    assert_nothing_kept(thread)  # not even the good picture chosen before it


def test_a_new_thread_refused_for_a_file_keeps_title_and_text(member_client, board):
    response = member_client.post(f"/thread/new/?board={board.pk}", {
        "title": "我的旅行照片", "source": "第一天到了大理", "format": "bbcode",
        "uploads": [SimpleUploadedFile("a.exe", b"MZ", content_type="application/x-msdownload")]})
    html = response.content.decode()
    assert response.status_code == 400 and "我的旅行照片" in html and "第一天到了大理" in html and "“a.exe”" in html
    assert not Thread.objects.exists() and Attachment.objects.count() == 0 and stored_names() == []


def test_a_file_above_the_group_limit_is_refused(member, member_client, thread):
    MemberGroup.objects.filter(pk=member.group_id).update(max_attachment_kb=1)
    pagecache.bump_now("groups")
    response = reply(member_client, thread, SimpleUploadedFile("大.zip", zip_bytes() + b"\0" * 2048,
                                                               content_type="application/zip"))
    assert response.status_code == 400 and "“大.zip”" in response.content.decode()
    assert "最多" in response.content.decode()
    assert_nothing_kept(thread)


def test_a_group_without_pictures_is_refused_a_picture(member, member_client, thread):
    MemberGroup.objects.filter(pk=member.group_id).update(allow_images=False)
    pagecache.bump_now("groups")
    response = reply(member_client, thread, picture())
    assert response.status_code == 400 and "不允许上传图片" in response.content.decode()
    assert_nothing_kept(thread)


def test_a_post_refused_after_its_files_were_stored_leaves_no_file(member_client, thread, settings):
    # The text fits, the text with the picture's markup does not: the floor is refused inside the transaction
    # that stored the picture.
    most = settings.LUNTAN["MAX_BODY_CHARS"]
    typed = "长" * (most - 5)
    response = reply(member_client, thread, picture(), source=typed)
    assert response.status_code == 400 and typed in response.content.decode()
    assert_nothing_kept(thread)


def test_too_many_files_are_refused(member_client, thread):
    response = reply(member_client, thread, *[picture(f"{i}.png") for i in range(services.MAX_FILES_PER_POST + 1)])
    assert response.status_code == 400 and "最多可随一个帖子发送 10 个文件" in response.content.decode()
    assert_nothing_kept(thread)


def test_files_heavier_than_a_request_may_be_are_refused_with_a_message(member_client, thread, monkeypatch):
    monkeypatch.setattr(services, "post_files_max_bytes", lambda: 1024 * 1024)
    response = reply(member_client, thread, SimpleUploadedFile("大包.zip", zip_bytes() + b"\0" * (1024 * 1024),
                                                               content_type="application/zip"))
    assert response.status_code == 400 and "共 1.0 MB，一个帖子最多只能随附 1.0 MB" in response.content.decode()
    assert_nothing_kept(thread)


def test_too_many_uploads_in_a_while_are_refused(member_client, thread, settings):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**settings.LUNTAN["LIMITS"], "UPLOAD_PER_MEMBER": (1, 86400)}}
    response = reply(member_client, thread, picture("一.png"), picture("二.png"))
    assert response.status_code == 429 and "太频繁" in response.content.decode()
    assert_nothing_kept(thread)


@pytest.mark.parametrize("refusal", ["a file of the post", "the post's text"])
def test_a_refused_post_gives_its_files_back_to_the_upload_limit(member_client, thread, settings, refusal):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**settings.LUNTAN["LIMITS"], "UPLOAD_PER_MEMBER": (2, 86400)}}
    if refusal == "a file of the post":
        refused = reply(member_client, thread, picture("一.png"), picture("假的.png", b"not a picture"))
    else:  # the text with the pictures' markup is over the length: refused once the files were counted
        refused = reply(member_client, thread, picture("一.png"), picture("二.png"),
                        source="长" * (settings.LUNTAN["MAX_BODY_CHARS"] - 5))
    assert refused.status_code == 400
    assert_nothing_kept(thread)
    # Nothing was posted, so nothing was used of the two uploads a day.
    assert reply(member_client, thread, picture("三.png"), picture("四.png"), key="k1").status_code == 302
    assert reply(member_client, thread, picture("五.png"), key="k2").status_code == 429


# --- Who may -----------------------------------------------------------------------------------------------

def test_a_guest_is_sent_to_log_in_and_nothing_is_stored(client, thread):
    response = reply(client, thread, picture())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert_nothing_kept(thread)


def test_a_member_whose_group_may_not_upload_is_told_and_keeps_the_text(member, member_client, thread):
    MemberGroup.objects.filter(pk=member.group_id).update(max_attachment_kb=0)
    pagecache.bump_now("groups")
    response = reply(member_client, thread, picture(), source="配图见下")
    html = response.content.decode()
    assert response.status_code == 400 and "你所在的用户组不能上传文件" in html and "配图见下" in html
    assert_nothing_kept(thread)


def test_a_silenced_member_posts_nothing_and_stores_nothing(silenced_member, thread):
    response = reply(signed_in(silenced_member), thread, picture())
    assert response.status_code == 403
    assert_nothing_kept(thread)


# --- The service itself -----------------------------------------------------------------------------------

def test_the_service_stores_nothing_when_the_write_fails(member, thread):
    def write(source):
        forum_services.post_reply(author=member, thread=thread, source=source, fmt="bbcode")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        services.floor_uploads_post(member=member, uploads=[picture(), archive()], source="看图", fmt="bbcode",
                                    write=write)
    assert_nothing_kept(thread)


def test_the_service_refuses_files_for_someone_elses_floor(member, thread):
    other = MemberFactory(date_joined=thread.created_at - timedelta(days=30))

    def write(source):
        return forum_services.post_reply(author=other, thread=thread, source=source, fmt="bbcode")

    with pytest.raises(Exception, match="只能附在你自己的帖子上"):
        services.floor_uploads_post(member=member, uploads=[archive()], source="看图", fmt="bbcode", write=write)
    assert_nothing_kept(thread)
