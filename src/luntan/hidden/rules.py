"""Who may read a conditional part, and what paid content costs: the one place both the page and the
services ask."""

from dataclasses import dataclass

from django.conf import settings

from luntan.credits import config
from luntan.credits.config import TypeInfo
from luntan.credits.services import transfer_tax


def trade_type() -> TypeInfo | None:
    """The credit type paid content is priced in, or None when the site has none: then nothing can be bought."""
    return config.trade_type()


def parts_scope(thread_id: int) -> str:
    """A page cache scope that moves when a thread's parts change without an edit (a purchase changes a
    buyer count)."""
    return f"cparts:{thread_id}"


def max_price() -> int:
    return settings.LUNTAN["SELL_MAX_PRICE"]


def tax_percent() -> int:
    return config.economy().transfer_tax_percent


def seller_gets(price: int) -> int:
    """The price less the site's tax (the economy's transfer tax, rounded up as for a transfer)."""
    return price - transfer_tax(price, config.economy())


@dataclass(frozen=True)
class Reader:
    """What a reader brings to a thread's conditional parts, read once per page."""

    member_id: int | None  # None for a guest
    moderator: bool
    replied: bool
    credit_total: int
    bought: frozenset[tuple[int, int]]  # (floor id, part number)

    def may_read(self, *, kind: str, amount: int, floor_id: int, number: int, author_id: int) -> bool:
        if self.member_id is not None and (self.moderator or self.member_id == author_id):
            return True
        if self.member_id is None:
            return False
        if kind == "reply":
            return self.replied
        if kind == "credits":
            return self.credit_total >= amount
        return (floor_id, number) in self.bought
