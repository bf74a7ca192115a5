"""警告 and 禁止: a moderator's warning to a member (three within 30 days bar them from posting) and bans by
member or by address range, 禁止发言 (may read, not post) or 禁止访问 (no page at all), until a time or
for ever. Rows are never deleted: a lifted ban keeps who lifted it and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberWarning(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("moderator"))
    # The floor it was about, if any (the thread and floor number stay in the moderation log).
    floor = models.ForeignKey("forum.Floor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("floor"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [models.Index(fields=["member", "-created_at"], name="warning_member_recent")]
        constraints = [models.UniqueConstraint(fields=["actor", "submission_key"], condition=~Q(submission_key=""),
                                               name="warning_submitted_once")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.reason[:40]}"


class Ban(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("no posting (禁止发言)")
        VISIT = "visit", _("no access (禁止访问)")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    # An address range in CIDR form as ipaddress writes it (203.0.113.0/24, 2001:db8::/32); "" for a member.
    network = models.CharField(_("address range"), max_length=49, blank=True)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("moderator"))
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: for ever."))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("lifted by"))
    lift_reason = models.CharField(_("reason for lifting"), max_length=200, blank=True)
    # Made by the warnings themselves: the third warning within 30 days forbids posting until the oldest of
    # them is 30 days old (a later warning moves the end).
    from_warnings = models.BooleanField(_("from warnings"), default=False)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        indexes = [models.Index(fields=["lifted_at", "until"], name="ban_current")]
        constraints = [
            models.CheckConstraint(condition=(Q(member__isnull=False) & Q(network=""))
                                   | (Q(member__isnull=True) & ~Q(network="")), name="ban_member_or_network"),
            models.UniqueConstraint(fields=["actor", "submission_key"], condition=~Q(submission_key=""),
                                    name="ban_submitted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id or self.network}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.until is None or self.until > now)
