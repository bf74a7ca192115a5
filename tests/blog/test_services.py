import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from factories import MemberFactory

from luntan.blog import services
from luntan.blog.models import BlogComment, BlogMoodVote, BlogPost, Friendship
from luntan.protection import words
from luntan.protection.models import WatchedWord


def _post(author, **kw):
    args = {"title": "春天的第一篇日志", "source": "[b]你好[/b],世界", "fmt": "bbcode", "visibility": "public"}
    return services.blog_post_create(author=author, **{**args, **kw})


@pytest.mark.django_db
def test_a_post_is_cooked_and_stored(member):
    post = _post(member, source="**加粗** <script>alert(1)</script>", fmt="markdown")
    assert "<strong>加粗</strong>" in post.html and "<script" not in post.html
    assert post.source.startswith("**加粗**")


@pytest.mark.django_db
@pytest.mark.parametrize(("kw", "field"), [
    ({"title": "  "}, "title"), ({"title": "长" * 500}, "title"), ({"source": " "}, "source"),
    ({"source": "字" * 200_000}, "source"), ({"fmt": "html"}, "format"), ({"visibility": "everyone"}, "visibility"),
    ({"category_id": 99999}, "category"),
])
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(member, kw, field):
    with pytest.raises(ValidationError) as caught:
        _post(member, **kw)
    assert field in caught.value.error_dict
    assert BlogPost.objects.count() == 0


@pytest.mark.django_db
def test_someone_elses_category_cannot_be_used(member, other_member):
    theirs = services.blog_category_create(owner=other_member, name="旅行")
    with pytest.raises(ValidationError):
        _post(member, category_id=theirs.pk)
    mine = services.blog_category_create(owner=member, name="旅行")
    assert _post(member, category_id=mine.pk).category == mine


@pytest.mark.django_db
def test_a_blocked_word_refuses_the_post_and_a_replaced_one_is_starred(member, admin):
    words.word_save(by=admin, word=WatchedWord(word="违禁词", action="block"))
    words.word_save(by=admin, word=WatchedWord(word="坏话", action="replace"))
    with pytest.raises(ValidationError) as caught:
        _post(member, source="这里有违禁词")
    assert "source" in caught.value.error_dict and BlogPost.objects.count() == 0
    post = _post(member, title="说坏话", source="不说坏话")
    assert "坏话" not in post.title and "坏话" not in post.source and "坏话" not in post.html


@pytest.mark.django_db
def test_the_same_submission_key_makes_one_post(member):
    first = _post(member, submission_key="k1")
    again = _post(member, submission_key="k1")
    assert first.pk == again.pk and BlogPost.objects.count() == 1


@pytest.mark.django_db
def test_rate_limit_refuses_too_many_posts(member, settings):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**settings.LUNTAN["LIMITS"], "POST_PER_MEMBER": (2, 3600)}}

    _post(member, ip="10.0.0.1")
    _post(member, ip="10.0.0.1")
    with pytest.raises(ValidationError) as caught:
        _post(member, ip="10.0.0.1")
    assert caught.value.code == "throttled"
    assert BlogPost.objects.count() == 2


@pytest.mark.django_db
def test_only_the_author_edits(member, other_member):
    post = _post(member)
    with pytest.raises(PermissionDenied):
        services.blog_post_edit(editor=other_member, post_id=post.pk, title="改了", source="改了", fmt="bbcode",
                                visibility="private")
    post.refresh_from_db()
    assert post.title == "春天的第一篇日志" and post.visibility == "public"
    services.blog_post_edit(editor=member, post_id=post.pk, title="改好了", source="新内容", fmt="bbcode",
                            visibility="private")
    post.refresh_from_db()
    assert (post.title, post.visibility, post.edited_at is not None) == ("改好了", "private", True)


@pytest.mark.django_db
def test_author_and_moderators_delete_others_do_not(member, other_member, super_moderator, admin):
    post = _post(member)
    with pytest.raises(PermissionDenied):
        services.blog_post_delete(member=other_member, post_id=post.pk)
    assert BlogPost.objects.filter(pk=post.pk).exists()
    services.blog_post_delete(member=super_moderator, post_id=post.pk)
    assert not BlogPost.objects.filter(pk=post.pk).exists()
    for who in (member, admin):
        post = _post(member)
        services.blog_post_delete(member=who, post_id=post.pk)
        assert not BlogPost.objects.filter(pk=post.pk).exists()


@pytest.mark.django_db
def test_comments_count_and_delete(member, other_member):
    post = _post(member)
    comment = services.blog_comment_create(author=other_member, post_id=post.pk, source="写得好", fmt="bbcode")
    post.refresh_from_db()
    assert post.comment_count == 1
    with pytest.raises(PermissionDenied):
        services.blog_comment_delete(member=MemberFactory(), comment_id=comment.pk)
    services.blog_comment_delete(member=member, comment_id=comment.pk)  # the post's author may
    post.refresh_from_db()
    assert post.comment_count == 0 and BlogComment.objects.count() == 0


@pytest.mark.django_db
def test_one_mood_per_member_and_post_changed_not_added(member, other_member, moods):
    post = _post(member)
    assert services.blog_mood_vote(member=other_member, post_id=post.pk, mood_id=moods[0].pk)
    assert not services.blog_mood_vote(member=other_member, post_id=post.pk, mood_id=moods[0].pk)
    assert services.blog_mood_vote(member=other_member, post_id=post.pk, mood_id=moods[1].pk)
    post.refresh_from_db()
    assert post.mood_count == 1
    assert list(BlogMoodVote.objects.values_list("mood_id", flat=True)) == [moods[1].pk]
    with pytest.raises(PermissionDenied):
        services.blog_mood_vote(member=member, post_id=post.pk, mood_id=moods[0].pk)  # not one's own
    with pytest.raises(ValidationError):
        services.blog_mood_vote(member=other_member, post_id=post.pk, mood_id=99999)
    assert BlogMoodVote.objects.count() == 1


@pytest.mark.django_db
def test_the_seven_moods_are_the_threads_moods(moods):
    assert [m.name for m in moods] == ["精彩", "感动", "搞笑", "开心", "愤怒", "无聊", "灌水"]


@pytest.mark.django_db
def test_friends_add_remove_and_refusals(member, other_member):
    assert services.friend_add(member=member, friend_id=other_member.pk)
    assert not services.friend_add(member=member, friend_id=other_member.pk)  # already: nothing changes
    assert Friendship.objects.count() == 1
    with pytest.raises(ValidationError):
        services.friend_add(member=member, friend_id=member.pk)
    with pytest.raises(ValidationError):
        services.friend_add(member=member, friend_id=99999)
    assert services.friend_remove(member=member, friend_id=other_member.pk)
    assert not services.friend_remove(member=member, friend_id=other_member.pk)
    assert Friendship.objects.count() == 0


@pytest.mark.django_db
def test_a_banned_member_cannot_write(banned):
    with pytest.raises(PermissionDenied):
        _post(banned)
    assert BlogPost.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_moods_count_once_each(member, moods):
    post = _post(member)
    voters = [MemberFactory() for _ in range(4)]
    errors = []

    def vote(voter):
        try:
            services.blog_mood_vote(member=voter, post_id=post.pk, mood_id=moods[2].pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    post.refresh_from_db()
    assert post.mood_count == 4 == BlogMoodVote.objects.filter(post=post).count()
