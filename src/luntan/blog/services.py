"""Writes of the blogs and the friends list. Each is one transaction with its permission checked inside;
the text goes through the watched words (敏感词), and a new post or comment through the same guards as the
forum's (links of new members, the day's caps, the rate limits of posting and replying)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.accounts.models import Member
from luntan.blog import queries
from luntan.blog.models import (
    MAX_CATEGORY_CHARS,
    BlogCategory,
    BlogComment,
    BlogMoodVote,
    BlogPost,
    BlogSubmission,
    Friendship,
)
from luntan.core.idempotent import idempotent
from luntan.core.text import clean_line
from luntan.forum.extensions import POST_GUARDS, POSTING_CHECKS
from luntan.forum.services import clean_format, clean_source, clean_title
from luntan.markup.cooking import cook
from luntan.protection import words
from luntan.reactions import config as moods

MAX_FRIENDS = 500


# --- Checks -------------------------------------------------------------------------------------------------

def check_writer(member) -> None:
    """The member may write in blogs at all: signed in, active, allowed to post, not banned."""
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in first."))
    if not member.is_active:
        raise PermissionDenied(_("Your account is disabled."))
    if not rules_for(member).can_post:
        raise PermissionDenied(_("Your user group may not post."))
    for check in POSTING_CHECKS:  # a ban or too many warnings: read only
        if (refusal := check(member)) is not None:
            raise PermissionDenied(refusal)


def may_delete(member, post_or_comment) -> bool:
    return bool(getattr(member, "is_authenticated", False) and member.is_active
                and (post_or_comment.author_id == member.pk or queries.may_moderate(member)))


def _guarded(member, *, kind: str, html: str, ip: str | None) -> None:
    for guard in POST_GUARDS:  # rate limits, new members' links and daily caps, as on the forum
        guard(member, kind=kind, html=html, ip=ip)


def _visibility(raw: str) -> str:
    if raw not in BlogPost.Visibility.values:
        raise ValidationError({"visibility": ValidationError(_("Choose who may read the post."),
                                                               code="visibility")})
    return raw


def _category(owner, category_id: int | None) -> BlogCategory | None:
    if category_id is None:
        return None
    found = BlogCategory.objects.filter(pk=category_id, owner_id=owner.pk).first()
    if found is None:
        raise ValidationError({"category": ValidationError(_("Choose one of your own categories."),
                                                             code="category")})
    return found


def _text(*, title: str | None, source: str, fmt: str):
    """Cleans and screens a title (None: a comment) and a text: (title, source, fmt, html). Errors name the
    form's field."""
    errors = {}
    if title is not None:
        try:
            title = clean_title(title)
        except ValidationError as error:
            errors["title"] = error
    try:
        source = clean_source(source)
    except ValidationError as error:
        errors["source"] = error
    try:
        fmt = clean_format(fmt)
    except ValidationError as error:
        errors["format"] = error
    if errors:
        raise ValidationError(errors)
    verdict = words.check_post(title=title, source=source, fmt=fmt)  # a blocked word refuses it
    # A held word cannot wait for approval here (blogs have no queue): it is refused like a blocked one.
    if verdict.held:
        raise ValidationError({"source": ValidationError(words.refusal(words.POST), code="watched_word")})
    title = clean_title(verdict.title) if title is not None and verdict.title is not None else title
    source = clean_source(verdict.source)
    return title, source, fmt, cook(source, fmt=fmt)


def _replayed(member, key: str | None):
    if not key:
        return None
    found = BlogSubmission.objects.filter(member_id=member.pk, key=key).select_related("post", "comment").first()
    if found is None:
        return None
    return found.comment if found.comment_id else found.post


_idempotent = idempotent(_replayed)


# --- Posts --------------------------------------------------------------------------------------------------

def _count_public(author_id: int, delta: int) -> None:
    """Moves the author's count of public posts (the author card's link to the blog), in the caller's
    transaction; the card_stamp makes the author's own card show it at once."""
    if delta:
        Member.objects.filter(pk=author_id).update(blog_public_count=F("blog_public_count") + delta,
                                                   card_stamp=F("card_stamp") + 1)


def blog_counts_recount() -> int:
    """Rebuilds every member's count of public blog posts from the posts; returns how many were wrong."""
    with transaction.atomic():
        truth = dict(BlogPost.objects.filter(visibility=BlogPost.Visibility.PUBLIC).values("author_id")
                     .annotate(n=Count("pk")).values_list("author_id", "n"))
        wrong = [(pk, truth.get(pk, 0)) for pk, held in Member.objects.filter(
            Q(blog_public_count__gt=0) | Q(pk__in=list(truth))).values_list("pk", "blog_public_count")
            if held != truth.get(pk, 0)]
        for pk, n in wrong:
            Member.objects.filter(pk=pk).update(blog_public_count=n, card_stamp=F("card_stamp") + 1)
    return len(wrong)


@_idempotent
def blog_post_create(*, author: Member, title: str, source: str, fmt: str, visibility: str,
                     category_id: int | None = None, ip: str | None = None, submission_key: str | None = None,
                     now: datetime | None = None) -> BlogPost:
    """Writes a blog post (发表日志). `ip` None: a trusted caller (the demo), not rate limited."""
    check_writer(author)
    visibility = _visibility(visibility)
    title, source, fmt, html = _text(title=title, source=source, fmt=fmt)
    _guarded(author, kind="thread", html=html, ip=ip)
    with transaction.atomic():
        category = _category(author, category_id)
        post = BlogPost.objects.create(author=author, category=category, title=title, source=source, format=fmt,
                                       html=html, visibility=visibility, created_at=now or timezone.now())
        _count_public(author.pk, int(visibility == BlogPost.Visibility.PUBLIC))
        if submission_key:
            BlogSubmission.objects.create(member=author, key=submission_key, post=post)
    return post


def blog_post_edit(*, editor: Member, post_id: int, title: str, source: str, fmt: str, visibility: str,
                   category_id: int | None = None, ip: str | None = None) -> BlogPost:
    """Changes one's own post: its text, category and who may read it."""
    check_writer(editor)
    visibility = _visibility(visibility)
    title, source, fmt, html = _text(title=title, source=source, fmt=fmt)
    _guarded(editor, kind="edit", html=html, ip=ip)
    with transaction.atomic():
        post = BlogPost.objects.select_for_update().filter(pk=post_id, author_id=editor.pk).first()
        if post is None:
            raise PermissionDenied(_("Only the author may edit a blog post."))
        post.category = _category(editor, category_id)
        public = BlogPost.Visibility.PUBLIC
        _count_public(editor.pk, int(visibility == public) - int(post.visibility == public))
        post.title, post.source, post.format, post.html, post.visibility = title, source, fmt, html, visibility
        post.edited_at = timezone.now()
        post.save()
    return post


def blog_post_delete(*, member: Member, post_id: int) -> None:
    """The author, a 超级版主 or an administrator deletes the post, with its comments and moods."""
    with transaction.atomic():
        post = BlogPost.objects.select_for_update().filter(pk=post_id).first()
        if post is None:
            raise ValidationError(_("That blog post does not exist."), code="post_unknown")
        if not may_delete(member, post):
            raise PermissionDenied(_("You may not delete this blog post."))
        post.delete()
        _count_public(post.author_id, -int(post.visibility == BlogPost.Visibility.PUBLIC))


# --- Comments -----------------------------------------------------------------------------------------------

@_idempotent
def blog_comment_create(*, author: Member, post_id: int, source: str, fmt: str, ip: str | None = None,
                        submission_key: str | None = None, now: datetime | None = None) -> BlogComment:
    """Comments on a post the member may read (the same 404-like refusal for one they may not)."""
    check_writer(author)
    _title, source, fmt, html = _text(title=None, source=source, fmt=fmt)
    _guarded(author, kind="reply", html=html, ip=ip)
    with transaction.atomic():
        post = queries.visible_posts(author).select_for_update().filter(pk=post_id).first()
        if post is None:
            raise ValidationError(_("That blog post does not exist."), code="post_unknown")
        comment = BlogComment.objects.create(post=post, author=author, source=source, format=fmt, html=html,
                                             created_at=now or timezone.now())
        BlogPost.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        if submission_key:
            BlogSubmission.objects.create(member=author, key=submission_key, post=post, comment=comment)
    return comment


def blog_comment_delete(*, member: Member, comment_id: int) -> BlogPost:
    """The comment's author, the post's author, a 超级版主 or an administrator deletes a comment."""
    with transaction.atomic():
        comment = BlogComment.objects.select_related("post").filter(pk=comment_id).first()
        if comment is None:
            raise ValidationError(_("That comment does not exist."), code="comment_unknown")
        post = BlogPost.objects.select_for_update().get(pk=comment.post_id)
        if not (may_delete(member, comment) or may_delete(member, post)):
            raise PermissionDenied(_("You may not delete this comment."))
        comment.delete()
        BlogPost.objects.filter(pk=post.pk, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    return post


# --- Moods --------------------------------------------------------------------------------------------------

def blog_mood_vote(*, member: Member, post_id: int, mood_id: int, now: datetime | None = None) -> bool:
    """Gives the post this mood from the member, or changes their mood to it (one per member and post).
    Returns False when the member had given this mood already (nothing changes)."""
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied(_("Please log in first."))
    for check in POSTING_CHECKS:
        if (refusal := check(member)) is not None:
            raise PermissionDenied(refusal)
    mood = moods.all_moods().get(mood_id)
    if mood is None or not mood.enabled:
        raise ValidationError(_("There is no such mood. Choose one of the moods shown."), code="mood_unknown")
    with transaction.atomic():
        post = queries.visible_posts(member).select_for_update().filter(pk=post_id).first()
        if post is None:
            raise ValidationError(_("That blog post does not exist."), code="post_unknown")
        if post.author_id == member.pk:
            raise PermissionDenied(_("You cannot rate your own blog post."))
        vote = BlogMoodVote.objects.filter(post=post, member_id=member.pk).first()
        if vote is not None and vote.mood_id == mood.id:
            return False
        if vote is None:
            BlogMoodVote.objects.create(post=post, member_id=member.pk, mood_id=mood.id, voted_at=now or timezone.now())
            BlogPost.objects.filter(pk=post.pk).update(mood_count=F("mood_count") + 1)
        else:
            vote.mood_id, vote.voted_at = mood.id, now or timezone.now()
            vote.save(update_fields=["mood", "voted_at"])
    return True


# --- Categories ---------------------------------------------------------------------------------------------

def blog_category_create(*, owner: Member, name: str) -> BlogCategory:
    check_writer(owner)
    name = clean_line(name or "")
    if not name:
        raise ValidationError({"name": ValidationError(_("Please enter a name."), code="name_empty")})
    if len(name) > MAX_CATEGORY_CHARS:
        raise ValidationError({"name": ValidationError(
            _("The name is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(name), "max": MAX_CATEGORY_CHARS}, code="name_long")})
    try:
        name = words.check_line(name, where=words.BLOG, member=owner)
    except ValidationError as error:
        raise ValidationError({"name": error}) from None
    with transaction.atomic():
        found = BlogCategory.objects.filter(owner_id=owner.pk, name=name).first()
        if found is not None:
            return found
        return BlogCategory.objects.create(owner=owner, name=name)


def blog_category_delete(*, owner: Member, category_id: int) -> None:
    """Deletes one of the member's categories; its posts stay, without a category."""
    with transaction.atomic():
        deleted, _rows = BlogCategory.objects.filter(pk=category_id, owner_id=owner.pk).delete()
        if not deleted:
            raise ValidationError(_("That category does not exist."), code="category_unknown")


# --- Friends ------------------------------------------------------------------------------------------------

def friend_add(*, member: Member, friend_id: int) -> bool:
    """Adds a member to one's friends (one-way, as PHPWind's 加好友). False when already a friend."""
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied(_("Please log in first."))
    if friend_id == member.pk:
        raise ValidationError(_("You cannot add yourself as a friend."), code="friend_self")
    with transaction.atomic():
        if not Member.objects.filter(pk=friend_id, is_active=True).exists():
            raise ValidationError(_("There is no such member."), code="friend_unknown")
        if Friendship.objects.filter(member_id=member.pk, friend_id=friend_id).exists():
            return False
        if Friendship.objects.filter(member_id=member.pk).count() >= MAX_FRIENDS:
            raise ValidationError(_("You have %(max)s friends, as many as allowed.") % {"max": MAX_FRIENDS},
                                  code="friends_full")
        Friendship.objects.create(member_id=member.pk, friend_id=friend_id)
    return True


def friend_remove(*, member: Member, friend_id: int) -> bool:
    """Takes a member off one's friends. False when they were not one."""
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in first."))
    with transaction.atomic():
        deleted, _rows = Friendship.objects.filter(member_id=member.pk, friend_id=friend_id).delete()
    return bool(deleted)
