"""What the statistics keep that the forum's own rows cannot tell afterwards: the most people ever online
at once, and when (最高在线)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OnlinePeak(models.Model):
    """One row (pk 1): the record number of visitors online at once, members and guests together."""

    total = models.PositiveIntegerField(_("online at once"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    guests = models.PositiveIntegerField(_("guests"), default=0)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("online record")
        verbose_name_plural = _("online records")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="onlinepeak_one_row")]

    def __str__(self) -> str:
        return f"{self.total}@{self.at:%Y-%m-%d %H:%M}"
