"""提醒: what the site tells a member about their own things (a moderator acted on their thread, their
report was handled, they were warned)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=20)
    # The text is plain (escaped when shown); the link is a path on this site.
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["member", "-created_at"], name="notice_member_recent")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.text[:40]}"
