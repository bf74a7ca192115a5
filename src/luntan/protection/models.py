from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import MemberGroup

# --- 敏感词 (watched words): luntan.protection.words ---------------------------------------------------------


class WatchedWord(models.Model):
    """A word the admin watches for in what members write, and what happens when it is found."""

    class Action(models.TextChoices):
        BLOCK = "block", _("block the post")
        HOLD = "hold", _("hold for approval")
        FLAG = "flag", _("flag for moderators")
        REPLACE = "replace", _("replace with ***")

    word = models.CharField(_("word"), max_length=60)
    # The word as the matcher sees it (folded: width, case, 简繁; letters and digits only): two spellings of
    # one word are one entry.
    key = models.CharField(_("folded form"), max_length=60, unique=True, editable=False)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.REPLACE)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self) -> str:
        return self.word


class WordHit(models.Model):
    """A text let through with a word flagged for moderators (or held on an edit), for the record: the floors
    among them are also in the reports queue; names, signatures and sentences are only here."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    where = models.CharField(_("where"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=WatchedWord.Action.choices)
    words = models.CharField(_("words found"), max_length=200)
    excerpt = models.CharField(_("text"), max_length=300)
    floor = models.ForeignKey("forum.Floor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("floor"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watched word found")
        verbose_name_plural = _("watched words found")

    def __str__(self) -> str:
        return f"{self.where}: {self.words}"


# --- Rate limits per group and the rules for new members (luntan.protection.limits, .newcomers) -------------


class GroupLimit(models.Model):
    """How often the members of one group may do one action, counted per member or per address. Without a
    row, the site's default from settings.LUNTAN["LIMITS"] holds; a row with no count lifts the limit."""

    class Action(models.TextChoices):
        REGISTER = "register", _("register")
        POST = "post", _("start a thread")
        REPLY = "reply", _("reply")
        MESSAGE = "message", _("send a short message")
        SEARCH = "search", _("search")
        UPLOAD = "upload", _("upload a file")
        VOTE = "vote", _("vote or like")
        REPORT = "report", _("report a floor")

    class Scope(models.TextChoices):
        MEMBER = "member", _("per member")
        ADDRESS = "address", _("per address")

    group = models.ForeignKey(MemberGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("user group"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    scope = models.CharField(_("counted"), max_length=8, choices=Scope.choices, default=Scope.MEMBER)
    count = models.PositiveIntegerField(
        _("times"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("At most this many times per period; leave empty for no limit."))
    seconds = models.PositiveIntegerField(_("period (seconds)"), default=3600,
                                          validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("rate limit")
        verbose_name_plural = _("rate limits")
        ordering = ["group__order", "action", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["group", "action", "scope"], name="group_limit_once"),
            models.CheckConstraint(condition=models.Q(seconds__gte=1), name="group_limit_seconds"),
            models.CheckConstraint(condition=models.Q(count__isnull=True) | models.Q(count__gte=1),
                                   name="group_limit_count"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.get_action_display()} · {self.get_scope_display()}"


class NewcomerRules(models.Model):
    """The rules for new members (one row): who counts as new, how much they may post a day, and how many
    posts they need before links and images."""

    hours = models.PositiveIntegerField(
        _("new for (hours)"), default=24,
        help_text=_("A member is new for this many hours after registering; 0: not by age."))
    groups = models.ManyToManyField(
        MemberGroup, blank=True, related_name="+", verbose_name=_("new-member groups"),
        help_text=_("Members of these groups are new members whatever their age."))
    threads_per_day = models.PositiveIntegerField(
        _("threads a day"), null=True, blank=True, default=3,
        help_text=_("How many threads a new member may start a day; leave empty for no cap."))
    replies_per_day = models.PositiveIntegerField(
        _("replies a day"), null=True, blank=True, default=20,
        help_text=_("How many replies a new member may post a day; leave empty for no cap."))
    links_after_posts = models.PositiveIntegerField(
        _("posts before links and images"), default=3,
        help_text=_("A new member may post links and images once they have this many posts; 0: at once."))

    class Meta:
        verbose_name = _("rules for new members")
        verbose_name_plural = _("rules for new members")

    def __str__(self) -> str:
        return str(_("Rules for new members"))
