"""Reads for the item shop: a fixed number of queries whatever the reader owns."""

from dataclasses import dataclass

from django.utils import timezone

from luntan.credits import config
from luntan.forum.models import Thread
from luntan.items.models import Effect, Inventory, Item

MY_THREADS = 30


@dataclass
class ShopRow:
    item: Item
    price: str
    mine: int


@dataclass
class Shop:
    rows: list[ShopRow]
    owned: list[ShopRow]
    threads: list[Thread]
    effects: list[Effect]


def shop(member) -> Shop:
    items = list(Item.objects.filter(enabled=True))
    types = config.credit_types()
    mine: dict[int, int] = {}
    threads: list[Thread] = []
    effects: list[Effect] = []
    if member.is_authenticated:
        mine = dict(Inventory.objects.filter(member_id=member.pk, quantity__gt=0).values_list("item_id", "quantity"))
        threads = list(Thread.objects.filter(author_id=member.pk, is_deleted=False).order_by("-created_at")
                       .only("id", "title", "board_id")[:MY_THREADS])
        effects = list(Effect.objects.filter(member_id=member.pk, active=True, ends_at__gt=timezone.now())
                       .select_related("thread").only("id", "kind", "ends_at", "thread__id", "thread__title")
                       .order_by("ends_at"))
    rows = []
    for item in items:
        kind = types.get(item.price_type_id)
        price = f"{kind.amount(item.price)} {kind.name}" if kind else str(item.price)
        rows.append(ShopRow(item=item, price=price, mine=mine.get(item.pk, 0)))
    return Shop(rows=rows, owned=[r for r in rows if r.mine], threads=threads, effects=effects)
