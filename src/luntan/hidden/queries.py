"""Careful reads of conditional parts: one query for a thread's parts, at most two for its reader."""

from dataclasses import dataclass

from django.db import connection

from luntan.credits.services import balances_of
from luntan.forum import permissions
from luntan.forum.models import Floor
from luntan.hidden import rules
from luntan.hidden.models import FloorPart, Purchase
from luntan.hidden.rules import Reader


@dataclass(frozen=True)
class PartRow:
    floor_id: int
    number: int
    kind: str
    amount: int
    html: str
    buyer_count: int
    author_id: int
    floor_number: int


def thread_parts(thread_id: int, *, text: bool = True) -> dict[tuple[int, int], PartRow]:
    """The thread's parts; without their `text` (html ""), what may be kept where every reader's page is."""
    rows = FloorPart.objects.filter(floor__thread_id=thread_id).values_list(
        "floor_id", "number", "kind", "amount", "html" if text else "buyer_count", "buyer_count", "floor__author_id",
        "floor__number")
    return {(r[0], r[1]): PartRow(r[0], r[1], r[2], r[3], r[4] if text else "", *r[5:]) for r in rows}


def reader_of(member, thread_id: int, parts: dict[tuple[int, int], PartRow], *, moderator: bool) -> Reader:
    """What this reader may open among `parts`; asks the database only what the parts need."""
    if not getattr(member, "is_authenticated", False):
        return Reader(member_id=None, moderator=False, replied=False, credit_total=0, bought=frozenset())
    others = [p for p in parts.values() if p.author_id != member.pk] if not moderator else []
    replied = any(p.kind == FloorPart.Kind.REPLY for p in others) and Floor.objects.filter(
        thread_id=thread_id, author_id=member.pk, is_deleted=False, is_waiting=False).exists()
    bought: frozenset[tuple[int, int]] = frozenset()
    if any(p.kind == FloorPart.Kind.SELL for p in others):
        bought = frozenset(Purchase.objects.filter(buyer_id=member.pk, floor__thread_id=thread_id)
                           .values_list("floor_id", "number"))
    return Reader(member_id=member.pk, moderator=moderator, replied=replied,
                  credit_total=getattr(member, "credit_total", 0) or 0, bought=bought)


def member_reading(member, thread_id: int, *, moderator: bool) -> tuple[Reader, dict[tuple[int, int], str]]:
    """A signed-in reader of a thread with parts, and the parts' text, in one query: the text is for the
    boxes they may open (the page decides; nothing of it is kept)."""
    part, floor, purchase = FloorPart._meta.db_table, Floor._meta.db_table, Purchase._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.floor_id, p.number, p.html, "  # noqa: S608 - table names from the models, values bound
            f"EXISTS (SELECT 1 FROM {purchase} b WHERE b.floor_id = p.floor_id AND b.number = p.number "
            f"AND b.buyer_id = %s), "
            f"EXISTS (SELECT 1 FROM {floor} r WHERE r.thread_id = %s AND r.author_id = %s AND NOT r.is_deleted "
            f"AND NOT r.is_waiting) "
            f"FROM {part} p INNER JOIN {floor} f ON f.id = p.floor_id WHERE f.thread_id = %s",
            [member.pk, thread_id, member.pk, thread_id])
        rows = cursor.fetchall()
    reader = Reader(member_id=member.pk, moderator=moderator, replied=any(r[4] for r in rows),
                    credit_total=getattr(member, "credit_total", 0) or 0,
                    bought=frozenset((r[0], r[1]) for r in rows if r[3]))
    return reader, {(r[0], r[1]): r[2] for r in rows}


def buyers(floor_id: int, number: int, *, limit: int = 200) -> list[Purchase]:
    return list(Purchase.objects.filter(floor_id=floor_id, number=number).select_related("buyer")
                .only("id", "created_at", "price", "buyer__id", "buyer__username").order_by("-created_at", "-id")
                [:limit])


@dataclass(frozen=True)
class Sale:
    """A priced thread as its confirmation page shows it to one member."""

    price: int
    price_text: str
    seller_gets: str
    balance: int | None  # None: the site sells nothing now
    balance_text: str
    after_text: str
    enough: bool
    bought: bool
    free: bool  # the author or a moderator: reads it without paying


def thread_sale(member, part: FloorPart) -> Sale:
    """The price, what the author gets and this member's balance before and after buying (two queries)."""
    floor = part.floor
    kind = rules.trade_type()
    bought = Purchase.objects.filter(floor_id=part.floor_id, number=part.number, buyer_id=member.pk).exists()
    free = floor.author_id == member.pk or permissions.is_moderator(member, floor.thread.board)
    if kind is None:
        return Sale(part.amount, str(part.amount), "", None, "", "", False, bought, free)
    balance = balances_of([member.pk])[member.pk].get(kind.id, kind.initial)
    return Sale(price=part.amount, price_text=kind.amount(part.amount),
                seller_gets=kind.amount(rules.seller_gets(part.amount)), balance=balance,
                balance_text=kind.amount(balance), after_text=kind.amount(balance - part.amount),
                enough=balance - part.amount >= kind.lower_limit, bought=bought, free=free)
