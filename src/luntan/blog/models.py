"""博客: each member's blog posts (日志) with a category of their own, a visibility (public, friends, only
me), comments and the seven moods of luntan.reactions; and the friends list (好友) the visibility needs.

A friend, as in PHPWind's 加好友: I add you to my list, and you see my posts for friends. It is one-way:
adding someone asks nothing of them and shows them nothing of theirs to me."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_CATEGORY_CHARS = 20


class Friendship(models.Model):
    """`member` counts `friend` among their friends."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("friend")
        verbose_name_plural = _("friends")
        constraints = [
            models.UniqueConstraint(fields=["member", "friend"], name="friendship_once"),
            models.CheckConstraint(condition=~models.Q(member=models.F("friend")), name="friendship_not_self"),
        ]
        indexes = [models.Index(fields=["friend", "member"], name="friendship_reverse")]

    def __str__(self) -> str:
        return f"{self.member_id}->{self.friend_id}"


class BlogCategory(models.Model):
    """A member's own category of blog posts (个人分类)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=MAX_CATEGORY_CHARS)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("blog category")
        verbose_name_plural = _("blog categories")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="blogcategory_once")]

    def __str__(self) -> str:
        return self.name


class BlogPost(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        FRIENDS = "friends", _("My friends")
        PRIVATE = "private", _("Only me")

    class Format(models.TextChoices):
        BBCODE = "bbcode", "BBCode"
        MARKDOWN = "markdown", "Markdown"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(BlogCategory, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="posts", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("text"))
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.BBCODE)
    html = models.TextField()  # cooked by luntan.markup: the only |safe in the templates
    visibility = models.CharField(_("who may read it"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    mood_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")
        indexes = [
            models.Index(fields=["visibility", "created_at"], name="blogpost_public"),
            models.Index(fields=["author", "created_at"], name="blogpost_author"),
        ]

    def __str__(self) -> str:
        return self.title


class BlogComment(models.Model):
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.TextField(_("text"))
    format = models.CharField(max_length=10, choices=BlogPost.Format.choices, default=BlogPost.Format.BBCODE)
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blog comment")
        verbose_name_plural = _("blog comments")
        indexes = [models.Index(fields=["post", "created_at"], name="blogcomment_post")]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.pk}"


class BlogMoodVote(models.Model):
    """A member's mood (one of luntan.reactions' Mood rows) for a blog post; changing it changes this row.
    Blog moods move no credits."""

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mood = models.ForeignKey("reactions.Mood", on_delete=models.PROTECT, related_name="+")
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="blogmood_one_per_post")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.post_id}={self.mood_id}"


class BlogSubmission(models.Model):
    """A form's hidden submission key, once per member: a double click replays the first post or comment."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(BlogComment, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="blogsubmission_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.key}"
