"""Careful reads: one door to an attachment (the same 404 for missing and hidden), the list under floors
(one query for a page of floors) and the attachment page's buyers."""

from django.http import Http404

from luntan.attachments.models import Attachment, Purchase
from luntan.credits import config
from luntan.forum import permissions as forum_permissions
from luntan.forum.queries import parse_id

BUYERS_SHOWN = 100


def access_attachment(member, attachment_id) -> Attachment:
    """The attachment, or the same 404 whether it is missing, an orphan of someone else's, or on a floor this
    reader may not see (hidden board, deleted or waiting floor)."""
    pk = parse_id(attachment_id)
    found = (Attachment.objects.select_related("floor__thread__board__category", "floor__thread__board__parent",
                                               "owner").filter(pk=pk).first() if pk else None)
    if found is None:
        raise Http404
    if found.floor is None:
        if not (getattr(member, "is_authenticated", False) and member.pk == found.owner_id):
            raise Http404
        return found
    try:
        forum_permissions.check_view_floor(member, found.floor)
    except forum_permissions.Hidden:
        raise Http404 from None
    if found.floor.is_deleted and not forum_permissions.is_moderator(member, found.floor.thread.board):
        raise Http404
    return found


def image(attachment_id: int, key: str) -> Attachment:
    """A picture by its address (its id and random key): what the floor's <img> asks for."""
    found = Attachment.objects.filter(pk=attachment_id, key=key, kind=Attachment.Kind.IMAGE).only(
        "id", "key", "file", "thumbnail", "content_type", "name", "created_at").first()
    if found is None:
        raise Http404
    return found


def has_bought(member, attachment: Attachment) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    return Purchase.objects.filter(attachment=attachment, member_id=member.pk).exists()


def buyers(attachment: Attachment) -> tuple[list[Purchase], int]:
    """The latest buyers (with their names, one query) and how many there are in all."""
    rows = list(Purchase.objects.filter(attachment=attachment).select_related("member").order_by("-created_at")
                [:BUYERS_SHOWN])
    total = len(rows) if len(rows) < BUYERS_SHOWN else Purchase.objects.filter(attachment=attachment).count()
    return rows, total


def floor_files(floor_ids: list[int]) -> dict[int, list[Attachment]]:
    """{floor id: its attachments (not pictures)}, in one query; price types and levels come from tables kept
    in memory."""
    found: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(floor_id__in=floor_ids, kind=Attachment.Kind.FILE).only(
        "id", "name", "size", "price", "price_type_id", "min_level_id", "download_count", "floor_id").order_by("pk")
    for row in rows:
        found.setdefault(row.floor_id, []).append(row)  # type: ignore[arg-type]
    return found


def price_text(attachment: Attachment) -> str:
    kind = config.credit_types().get(attachment.price_type_id or 0)
    return kind.amount(attachment.price) if kind else str(attachment.price)


def my_uploads(member, *, limit: int = 50) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_id=member.pk).select_related("floor")
                .order_by("-created_at")[:limit])



def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
