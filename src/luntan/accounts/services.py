"""Writes to members' records."""

from datetime import UTC, datetime

from django.db.models import F

from luntan.accounts.models import Member
from luntan.core import presence


def presence_flush() -> int:
    """Adds buffered online time and last activity to members; returns how many members changed."""
    pending = presence.take_pending()
    for uid, (seconds, last_seen) in pending.items():
        Member.objects.filter(pk=uid).update(
            online_seconds=F("online_seconds") + int(seconds),
            last_activity=datetime.fromtimestamp(last_seen, tz=UTC),
        )
    return len(pending)
