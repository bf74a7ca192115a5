"""提醒: the notification centre. What the site tells a member about their own things: replies to their
threads, quotes of their floors, @mentions, likes and moods (grouped), moderators' actions, reports' outcomes,
new 短消息, and what happens in the threads and of the members they follow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies to my threads")
    QUOTE = "quote", _("Quotes of my posts")
    MENTION = "mention", _("@mentions of me")
    LIKE = "like", _("Likes of my posts")
    MOOD = "mood", _("Moods given to my threads")
    MESSAGE = "message", _("New short messages")
    FOLLOW_THREAD = "follow_thread", _("New posts in threads I follow")
    FOLLOW_MEMBER = "follow_member", _("New threads by members I follow")
    REPORT = "report", _("Outcomes of my reports")
    MODERATION = "moderation", _("Moderators' actions on my posts")
    WARNING = "warning", _("Warnings")
    BAN = "ban", _("Bans")


# What a member cannot turn off: what the site's staff must be able to tell them.
ALWAYS_ON = frozenset({Kind.MODERATION, Kind.WARNING, Kind.BAN})
SWITCHABLE = [k for k in Kind if k not in ALWAYS_ON]


class ShownNotices(models.Manager):
    def get_queryset(self):
        return super().get_queryset().exclude(count=0)


class Notice(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Who did it (none for the site's own notices); never the member themself.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    # The text is plain (escaped when shown); the link is a path on this site.
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=200, blank=True)
    # Notices about one thing share a key: one per member and key. Likes of a floor ("like:floor:7") and a
    # mood on a thread are one notice updated in place; "post:9" is every notice floor 9 sent, so a member
    # hears of one post once (an edit that mentions them again sends nothing).
    group_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    # Grouped notices: how many people, and the names of the latest few.
    count = models.PositiveIntegerField(default=1, editable=False)
    names = models.JSONField(default=list, blank=True, editable=False)
    # Grouped notices: who it has told of (the latest few hundred member ids), so that one who takes a like
    # back and gives it again is no news. A grouped notice whose people all took theirs back has count 0:
    # out of sight (Notice.shown) and of the unread count, kept for what it remembers.
    told = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = models.Manager()
    shown = ShownNotices()  # what the member sees: not a grouped notice with nobody left

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["member", "-created_at"], name="notice_member_recent")]
        constraints = [models.UniqueConstraint(fields=["member", "group_key"], condition=~Q(group_key=""),
                                               name="notice_one_per_group")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.text[:40]}"


class KindOff(models.Model):
    """The member turned this kind of notice off (no row: on)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="notice_kindoff_once")]

    def __str__(self) -> str:
        return f"{self.member_id} off {self.kind}"


class ThreadFollow(models.Model):
    """关注: the member hears of each new post in the thread."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="notice_threadfollow_once")]
        indexes = [models.Index(fields=["thread"], name="notice_threadfollow_thread")]

    def __str__(self) -> str:
        return f"{self.member_id} follows thread {self.thread_id}"


class MemberFollow(models.Model):
    """关注: the member hears of each new thread `followed` opens."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "followed"], name="notice_memberfollow_once"),
            models.CheckConstraint(condition=~Q(member=models.F("followed")), name="notice_memberfollow_not_self"),
        ]
        indexes = [models.Index(fields=["followed"], name="notice_memberfollow_followed")]

    def __str__(self) -> str:
        return f"{self.member_id} follows member {self.followed_id}"
