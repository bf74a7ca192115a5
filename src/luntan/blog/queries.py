"""Careful reads of the blogs. One door to a post (`access_post`): a post the reader may not read is the
same 404 as a missing one, so a friends-only or private post never shows that it exists. Lists go through
`visible_posts`."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from luntan.accounts.models import Member
from luntan.bans.checks import posting_refusal
from luntan.blog.models import BlogCategory, BlogComment, BlogMoodVote, BlogPost, Friendship
from luntan.core.paging import Pages, page_count, page_number
from luntan.forum.permissions import is_admin, is_super_moderator
from luntan.forum.queries import parse_id
from luntan.reactions import config as moods

PER_PAGE = 20
COMMENTS_PER_PAGE = 30
Visibility = BlogPost.Visibility


def _signed_in(viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def may_moderate(viewer) -> bool:
    """超级版主 and 管理员 may delete any blog post or comment."""
    return is_super_moderator(viewer)


def visible_posts(viewer, qs: QuerySet[BlogPost] | None = None) -> QuerySet[BlogPost]:
    """The posts this reader may read: everyone's public ones; their own; those for friends whose author
    counts the reader as a friend. A guest, and a banned member, reads public posts only (and a banned
    member their own); an administrator reads everything."""
    qs = BlogPost.objects.all() if qs is None else qs
    if not _signed_in(viewer):
        return qs.filter(visibility=Visibility.PUBLIC)
    if is_admin(viewer):
        return qs
    if posting_refusal(viewer) is not None:
        return qs.filter(Q(visibility=Visibility.PUBLIC) | Q(author_id=viewer.pk))
    befriended = Exists(Friendship.objects.filter(member_id=OuterRef("author_id"), friend_id=viewer.pk))
    return qs.filter(Q(visibility=Visibility.PUBLIC) | Q(author_id=viewer.pk)
                     | (Q(visibility=Visibility.FRIENDS) & befriended))


def access_post(viewer, post_id) -> BlogPost:
    """The post, or 404 for a missing one and for one this reader may not read alike."""
    pk = parse_id(post_id)
    found = visible_posts(viewer).select_related("author", "category").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_member(member_id) -> Member:
    pk = parse_id(member_id)
    found = Member.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class PostPage:
    posts: list[BlogPost]
    pages: Pages
    total: int


def _paged(qs: QuerySet[BlogPost], page_raw: str | None, per_page: int = PER_PAGE) -> PostPage:
    total = qs.count()
    pages = Pages(page_number(page_raw, last=page_count(total, per_page)), page_count(total, per_page))
    start = (pages.number - 1) * per_page
    posts = list(qs.select_related("author", "category").order_by("-created_at", "-id")[start:start + per_page])
    return PostPage(posts, pages, total)


def recent_public(*, page_raw: str | None) -> PostPage:
    """/blog/: everyone's newest public posts (what every reader may read, whoever reads)."""
    return _paged(BlogPost.objects.filter(visibility=Visibility.PUBLIC), page_raw)


def member_posts(viewer, owner: Member, *, category_id: int | None = None, page_raw: str | None) -> PostPage:
    qs = visible_posts(viewer, BlogPost.objects.filter(author=owner))
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    return _paged(qs, page_raw)


def categories_of(owner_id: int | None) -> list[BlogCategory]:
    return list(BlogCategory.objects.filter(owner_id=owner_id))


def feed_posts(owner: Member, count: int = 20) -> list[BlogPost]:
    """The Atom feed: the member's public posts only, whoever asks (a feed reader signs in as nobody)."""
    return list(BlogPost.objects.filter(author=owner, visibility=Visibility.PUBLIC).select_related("author")
                .order_by("-created_at", "-id")[:count])


@dataclass(frozen=True)
class CommentPage:
    comments: list[BlogComment]
    pages: Pages


def comments(post: BlogPost, *, page_raw: str | None) -> CommentPage:
    last = page_count(post.comment_count, COMMENTS_PER_PAGE)
    pages = Pages(page_number(page_raw, last=last), last)
    start = (pages.number - 1) * COMMENTS_PER_PAGE
    found = list(BlogComment.objects.filter(post=post).select_related("author")
                 .order_by("created_at", "id")[start:start + COMMENTS_PER_PAGE])
    return CommentPage(found, pages)


@dataclass(frozen=True)
class MoodCount:
    mood: moods.MoodInfo
    count: int
    mine: bool


def mood_counts(viewer, post: BlogPost) -> list[MoodCount]:
    """The enabled moods with how many gave each to the post, and which is the reader's: two queries."""
    counts = dict(BlogMoodVote.objects.filter(post=post).values_list("mood_id").annotate(n=Count("id")))
    mine = None
    if _signed_in(viewer):
        mine = BlogMoodVote.objects.filter(post=post, member_id=viewer.pk).values_list("mood_id", flat=True).first()
    return [MoodCount(m, counts.get(m.id, 0), m.id == mine) for m in moods.enabled_moods()]


def is_friend(member, other_id: int) -> bool:
    """Whether `member` counts the member `other_id` among their friends."""
    return _signed_in(member) and Friendship.objects.filter(member_id=member.pk, friend_id=other_id).exists()


def friends_of(member) -> list[Friendship]:
    return list(Friendship.objects.filter(member_id=member.pk).select_related("friend")
                .order_by("-created_at", "-id"))
