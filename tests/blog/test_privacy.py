"""Who reads which post: the role matrix. A post one may not read is a 404 (the same as a missing one) and
never shows in a list or the feed."""

import pytest
from django.test import Client
from helpers import signed_in

from luntan.blog import queries

# (role, visibilities that role may read) for posts by `member`
MATRIX = [
    ("owner", {"public", "friends", "private"}),
    ("friend", {"public", "friends"}),
    ("stranger", {"public"}),
    ("guest", {"public"}),
    ("banned", {"public"}),
    ("admin", {"public", "friends", "private"}),
]


@pytest.fixture
def reader(request, member, friend, stranger, banned, admin):
    return {"owner": member, "friend": friend, "stranger": stranger, "guest": None, "banned": banned,
            "admin": admin}[request.param]


def _client(reader) -> Client:
    return Client() if reader is None else signed_in(reader)


@pytest.mark.django_db
@pytest.mark.parametrize(("reader", "readable"), MATRIX, indirect=["reader"], ids=[r for r, _ in MATRIX])
def test_post_page_is_404_for_those_who_may_not_read_it(reader, readable, posts):
    client = _client(reader)
    for visibility, post in posts.items():
        response = client.get(f"/blog/{post.pk}/")
        assert response.status_code == (200 if visibility in readable else 404), visibility
        if visibility not in readable:
            assert post.title not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("reader", "readable"), MATRIX, indirect=["reader"], ids=[r for r, _ in MATRIX])
def test_lists_show_only_what_the_reader_may_read(reader, readable, posts, member):
    client = _client(reader)
    page = client.get(f"/blog/u/{member.pk}/").content.decode()
    for visibility, post in posts.items():
        assert (post.title in page) == (visibility in readable), visibility
    site = client.get("/blog/").content.decode()  # the site-wide list: public posts only, for everyone
    assert posts["public"].title in site
    assert posts["friends"].title not in site and posts["private"].title not in site


@pytest.mark.django_db
@pytest.mark.parametrize(("reader", "readable"), MATRIX, indirect=["reader"], ids=[r for r, _ in MATRIX])
def test_feed_has_public_posts_only_whoever_asks(reader, readable, posts, member):
    body = _client(reader).get(f"/blog/u/{member.pk}/feed/").content.decode()
    assert "<feed" in body and posts["public"].title in body
    assert posts["friends"].title not in body and posts["private"].title not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("reader", "readable"), MATRIX, indirect=["reader"], ids=[r for r, _ in MATRIX])
def test_no_comment_or_mood_on_a_post_one_may_not_read(reader, readable, posts, moods):
    if reader is None:
        return
    client = _client(reader)
    private = posts["private"]
    comment = client.post(f"/blog/{private.pk}/comment/", {"source": "偷看", "format": "bbcode"})
    mood = client.post(f"/blog/{private.pk}/mood/", {"mood": moods[0].pk})
    if "private" in readable:
        assert comment.status_code == 302
    else:
        assert comment.status_code == 404 and mood.status_code == 404
        private.refresh_from_db()
        assert private.comment_count == 0 and private.mood_count == 0


@pytest.mark.django_db
def test_removing_a_friend_hides_the_friends_posts_again(member, friend, posts):
    client = signed_in(friend)
    assert client.get(f"/blog/{posts['friends'].pk}/").status_code == 200
    signed_in(member).post(f"/friends/{friend.pk}/remove/")
    assert client.get(f"/blog/{posts['friends'].pk}/").status_code == 404


@pytest.mark.django_db
def test_friendship_is_one_way(member, friend, posts):
    """`member` added `friend`; `friend` did not add `member`, so member reads none of friend's posts for friends."""
    from luntan.blog import services

    theirs = services.blog_post_create(author=friend, title="好友的私房话", source="只给我的好友看", fmt="bbcode",
                                       visibility="friends")
    assert signed_in(member).get(f"/blog/{theirs.pk}/").status_code == 404
    assert queries.visible_posts(member).filter(pk=theirs.pk).count() == 0


@pytest.mark.django_db
def test_missing_and_malformed_ids_are_404(member_client):
    for path in ("/blog/99999/", "/blog/abc/", "/blog/u/99999/", "/blog/u/-1/", "/blog/u/99999/feed/",
                 "/blog/99999/edit/"):
        assert member_client.get(path).status_code == 404, path
