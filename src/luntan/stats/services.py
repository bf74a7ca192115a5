"""Writes of the statistics: only the online record (最高在线); every other figure is read from the forum."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from luntan.core import presence
from luntan.stats.models import OnlinePeak

PEAK_ID = 1


def online_peak_note(*, members: int, guests: int, at: datetime | None = None) -> bool:
    """Keeps (members + guests) as the online record if it beats the one kept; returns whether it did. Reads
    first and writes only on a new record, so the usual call takes no write lock."""
    total = members + guests
    if total <= 0:
        return False
    kept = OnlinePeak.objects.filter(pk=PEAK_ID).values_list("total", flat=True).first()
    if kept is not None and kept >= total:
        return False
    values = {"total": total, "members": members, "guests": guests, "at": at or timezone.now()}
    with transaction.atomic():
        # Conditional, so two processes noting at once keep the higher number whatever their order.
        if OnlinePeak.objects.filter(pk=PEAK_ID, total__lt=total).update(**values):
            return True
        _row, created = OnlinePeak.objects.get_or_create(pk=PEAK_ID, defaults=values)
        if not created and _row.total < total:  # made by another process between the two statements
            return OnlinePeak.objects.filter(pk=PEAK_ID, total__lt=total).update(**values) > 0
        return created


def online_peak_flush() -> int:
    """The buffer writer's hook (luntan.core.buffers): notes who is online now; 1 if it is a new record."""
    members, guests = presence.online()
    return int(online_peak_note(members=len(members), guests=guests))
