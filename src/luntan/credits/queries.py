"""Reads of the economy that need care: a member's balances and ledger, in a constant number of queries."""

from dataclasses import dataclass

from django.urls import reverse

from luntan.core.paging import Pages, page_count, page_number
from luntan.credits import config
from luntan.credits.models import CreditEntry, Operation, Wallet

LEDGER_PAGE = 30


@dataclass(frozen=True)
class Balance:
    kind: config.TypeInfo
    value: int


def balances(member) -> list[Balance]:
    """The member's balance of every enabled type (the initial value where no wallet was made yet)."""
    found = dict(Wallet.objects.filter(member_id=member.pk).values_list("credit_type_id", "balance"))
    return [Balance(t, found.get(t.id, t.initial)) for t in config.credit_types().values() if t.enabled]


def operation_label(code: str) -> str:
    try:
        return str(Operation(code).label)
    except ValueError:
        return code


def subject_link(entry: CreditEntry) -> str | None:
    """Where a ledger row's subject is shown, if it has a page."""
    if entry.subject_id is None:
        return None
    if entry.subject_kind == "thread":
        return reverse("forum:thread", args=[entry.subject_id])
    if entry.subject_kind == "floor":
        return reverse("forum:floor_link", args=[entry.subject_id])
    if entry.subject_kind in ("member", "admin"):
        return reverse("accounts:profile", args=[entry.subject_id])
    return None


@dataclass(frozen=True)
class LedgerFilter:
    type_id: int | None
    operation: str | None

    @classmethod
    def parse(cls, raw_type: str | None, raw_operation: str | None) -> "LedgerFilter":
        types = config.credit_types()
        try:
            type_id: int | None = int(raw_type or "")
        except ValueError:
            type_id = None
        operation = raw_operation if raw_operation in Operation.values else None
        return cls(type_id if type_id in types else None, operation)


def ledger(member, chosen: LedgerFilter, page_raw) -> tuple[list[CreditEntry], Pages]:
    rows = CreditEntry.objects.filter(member_id=member.pk)
    if chosen.type_id:
        rows = rows.filter(credit_type_id=chosen.type_id)
    if chosen.operation:
        rows = rows.filter(operation=chosen.operation)
    count = page_count(rows.count(), LEDGER_PAGE)
    number = page_number(page_raw, last=count)
    start = (number - 1) * LEDGER_PAGE
    entries = list(rows.order_by("-id")[start:start + LEDGER_PAGE])
    return entries, Pages(number, count)
