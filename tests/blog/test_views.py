import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory

from luntan.blog import services
from luntan.blog.models import BlogComment, BlogMoodVote, BlogPost, Friendship
from luntan.core.menu import site_menu


@pytest.mark.django_db
def test_write_a_post_through_the_form(member_client, member):
    category = services.blog_category_create(owner=member, name="美食")
    form = member_client.get("/blog/new/").content.decode()
    assert 'name="submission_key"' in form and "美食" in form
    response = member_client.post("/blog/new/", {
        "title": "红烧肉心得", "source": "[b]冰糖[/b]炒糖色", "format": "bbcode", "visibility": "friends",
        "category": category.pk, "submission_key": "abc"})
    post = BlogPost.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/blog/{post.pk}/"
    assert (post.title, post.visibility, post.category_id) == ("红烧肉心得", "friends", category.pk)
    page = member_client.get(f"/blog/{post.pk}/").content.decode()
    assert "<strong>冰糖</strong>" in page and "红烧肉心得" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "source": "有内容"}, "标题"),
    ({"title": "长" * 300, "source": "有内容"}, "300"),
    ({"title": "有标题", "source": ""}, ""),
    ({"title": "有标题", "source": "有内容", "visibility": "all"}, ""),
    ({"title": "有标题", "source": "有内容", "category": "99999"}, ""),
    ({"title": "有标题", "source": "有内容", "category": "abc"}, ""),
    ({"title": "有标题", "source": "有内容", "format": "html"}, ""),
])
def test_bad_input_is_refused_with_a_message_and_kept(member_client, data, message):
    sent = {"format": "bbcode", "visibility": "public", **data}
    response = member_client.post("/blog/new/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errors"' in page and message in page
    for key in ("title", "source"):
        if sent.get(key) and len(sent[key]) < 100:
            assert sent[key] in page  # what the member typed is kept
    assert BlogPost.objects.count() == 0


@pytest.mark.django_db
def test_comment_form_errors_keep_the_page(member, other_member, posts):
    client = Client()
    client.force_login(other_member)
    response = client.post(f"/blog/{posts['public'].pk}/comment/", {"source": "   ", "format": "bbcode"})
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    response = client.post(f"/blog/{posts['public'].pk}/comment/", {"source": "说得好", "format": "bbcode"})
    assert response.status_code == 302
    assert BlogComment.objects.get().source == "说得好"
    assert "说得好" in client.get(f"/blog/{posts['public'].pk}/").content.decode()


@pytest.mark.django_db
def test_mood_form(member, other_member_client, posts, moods):
    post = posts["public"]
    assert other_member_client.post(f"/blog/{post.pk}/mood/", {"mood": moods[3].pk}).status_code == 302
    assert BlogMoodVote.objects.get().mood_id == moods[3].pk
    assert other_member_client.post(f"/blog/{post.pk}/mood/", {"mood": "x"}).status_code == 400
    assert other_member_client.post(f"/blog/{post.pk}/mood/", {"mood": "99999"}).status_code == 400
    assert BlogMoodVote.objects.count() == 1


@pytest.mark.django_db
def test_no_get_changes_state(member_client, member, other_member, posts):
    for path in (f"/blog/{posts['public'].pk}/delete/", f"/blog/{posts['public'].pk}/comment/",
                 f"/blog/{posts['public'].pk}/mood/", "/friends/add/", f"/friends/{other_member.pk}/remove/"):
        assert member_client.get(path).status_code == 405, path
    assert BlogPost.objects.count() == 3


@pytest.mark.django_db
def test_guest_is_sent_to_log_in_for_writing(client):
    for path in ("/blog/new/", "/friends/", "/blog/categories/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_edit_and_delete_through_the_pages(member_client, other_member_client, posts):
    post = posts["public"]
    assert other_member_client.get(f"/blog/{post.pk}/edit/").status_code == 403
    assert other_member_client.post(f"/blog/{post.pk}/delete/").status_code == 403
    response = member_client.post(f"/blog/{post.pk}/edit/", {
        "title": "", "source": "新的内容", "format": "bbcode", "visibility": "public"})
    assert response.status_code == 400 and "新的内容" in response.content.decode()
    member_client.post(f"/blog/{post.pk}/edit/", {
        "title": "新标题", "source": "新的内容", "format": "bbcode", "visibility": "private"})
    post.refresh_from_db()
    assert (post.title, post.visibility) == ("新标题", "private")
    assert member_client.post(f"/blog/{post.pk}/delete/").status_code == 302
    assert not BlogPost.objects.filter(pk=post.pk).exists()


@pytest.mark.django_db
def test_friends_page_add_by_name_and_remove(member_client, member, other_member):
    response = member_client.post("/friends/add/", {"name": other_member.username})
    assert response.status_code == 302
    page = member_client.get("/friends/").content.decode()
    assert other_member.username in page
    response = member_client.post("/friends/add/", {"name": "没有这个人"})
    assert response.status_code == 400 and "没有这个人" in response.content.decode()
    response = member_client.post("/friends/add/", {"name": member.username})
    assert response.status_code == 400
    member_client.post(f"/friends/{other_member.pk}/remove/")
    assert Friendship.objects.count() == 0
    assert member_client.post(f"/friends/{other_member.pk}/remove/").status_code == 404


@pytest.mark.django_db
def test_add_a_friend_from_their_blog(member_client, other_member):
    page = member_client.get(f"/blog/u/{other_member.pk}/").content.decode()
    assert "加为好友" in page
    member_client.post("/friends/add/", {"friend": other_member.pk, "back": "blog"})
    assert "解除好友" in member_client.get(f"/blog/u/{other_member.pk}/").content.decode()


@pytest.mark.django_db
def test_page_past_the_end_shows_the_last_page(client, posts):
    for page in ("999", "abc", "-3", "last"):
        assert client.get(f"/blog/?page={page}").status_code == 200
        assert client.get(f"/blog/{posts['public'].pk}/?page={page}").status_code == 200


@pytest.mark.django_db
def test_member_text_is_escaped(member_client, member):
    member_client.post("/blog/new/", {"title": "<img src=x onerror=alert(1)>", "source": '<script>x</script>[b]粗[/b]',
                                      "format": "bbcode", "visibility": "public"})
    post = BlogPost.objects.get()
    page = Client().get(f"/blog/{post.pk}/").content.decode()
    assert "<img src=x" not in page and "<script>x" not in page and "&lt;img" in page


@pytest.mark.django_db
def test_menu_has_the_blog():
    assert ("/blog/", "博客") in [(u, str(label)) for u, label in site_menu()]


def _fill(owner, n, readers):
    for i in range(n):
        post = services.blog_post_create(author=owner, title=f"第{i}篇", source="内容", fmt="bbcode",
                                         visibility=("public", "friends")[i % 2])
        for r in readers if post.visibility == "public" else ():
            services.blog_comment_create(author=r, post_id=post.pk, source="评论", fmt="bbcode")


@pytest.mark.django_db
def test_queries_are_constant_per_page(member, other_member, django_assert_max_num_queries):
    services.friend_add(member=member, friend_id=other_member.pk)
    client = Client()
    client.force_login(other_member)
    readers = [MemberFactory() for _ in range(3)]
    _fill(member, 1, readers)
    counts = {}
    for label in ("warm", "one", "many"):  # the first pass reads the tables kept in memory
        if label == "many":
            _fill(member, 19, readers)
        post = BlogPost.objects.filter(visibility="public").order_by("-pk").first()
        for name, path in (("index", "/blog/"), ("member", f"/blog/u/{member.pk}/"), ("post", f"/blog/{post.pk}/"),
                           ("feed", f"/blog/u/{member.pk}/feed/"), ("friends", "/friends/")):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts.setdefault(name, []).append(len(captured))
    for name, (_warm, one, many) in counts.items():
        assert many <= one, (name, one, many)
    with django_assert_max_num_queries(max(c for pair in counts.values() for c in pair)):
        client.get("/blog/")
