"""Sending notices. Call `notify` inside the transaction of the action it reports."""

from luntan.notices.models import Notice


def notify(*, member_id: int, kind: str, text: str, url: str = "") -> Notice:
    return Notice.objects.create(member_id=member_id, kind=kind[:20], text=text.strip()[:500], url=url[:200])
