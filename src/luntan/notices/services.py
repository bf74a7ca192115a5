"""Sending notices and marking them read. Call `notify` inside the transaction of the action it reports.

The member's unread count (Member.unread_notices) changes in the same transaction as the notices, so the
user box reads it from the session's member row; `notices_recount` rebuilds it from the rows."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luntan.accounts.models import Member
from luntan.notices.models import Notice


def notify(*, member_id: int, kind: str, text: str, url: str = "") -> Notice:
    notice = Notice.objects.create(member_id=member_id, kind=kind[:20], text=text.strip()[:500], url=url[:200])
    Member.objects.filter(pk=member_id).update(unread_notices=F("unread_notices") + 1)
    return notice


def notices_recount(*, member_id: int) -> int:
    """Sets the member's unread count from the notices themselves; returns it."""
    with transaction.atomic():
        unread = Notice.objects.filter(member_id=member_id, read_at__isnull=True).count()
        Member.objects.filter(pk=member_id).update(unread_notices=unread)
    return unread


def notices_mark_read(*, member: Member, notice_ids: list[int] | None = None) -> int:
    """Marks the member's own notices read (those named, or all of them); others' ids are ignored.
    Returns how many were unread. Repeating it changes nothing."""
    with transaction.atomic():
        # The member's row first: two tabs marking at once then count one after the other.
        Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).first()
        unread = Notice.objects.filter(member=member, read_at__isnull=True)
        if notice_ids is not None:
            unread = unread.filter(pk__in=notice_ids)
        marked = unread.update(read_at=timezone.now())
        if marked:
            left = Notice.objects.filter(member=member, read_at__isnull=True).count()
            Member.objects.filter(pk=member.pk).update(unread_notices=left)
            member.unread_notices = left
    return marked
