"""举报: a member tells the moderators that a floor breaks the rules. A board's moderators handle (处理) or
dismiss (驳回) the open reports of a floor together, with a note the reporters are told."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class Reason(models.TextChoices):
        AD = "ad", _("advertising")
        FLOOD = "flood", _("flooding")
        ABUSE = "abuse", _("personal attack")
        ILLEGAL = "illegal", _("illegal content")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HANDLED = "handled", _("handled")
        DISMISSED = "dismissed", _("dismissed")

    floor = models.ForeignKey("forum.Floor", on_delete=models.CASCADE, related_name="+", verbose_name=_("floor"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("reporter"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One open report per member and floor: a second one is refused as already reported.
            models.UniqueConstraint(fields=["floor", "reporter"], condition=Q(status="open"),
                                    name="report_open_once"),
        ]
        indexes = [
            models.Index(fields=["status", "floor"], name="report_status_floor"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → floor {self.floor_id} ({self.status})"
