"""The economy's settings as every request reads them: the credit types, the rules and the site-wide
settings, kept in memory under the "economy" version (luntan.core.pagecache.kept_table). The services that
change them bump it after commit."""

from dataclasses import dataclass, field

from luntan.core import pagecache
from luntan.credits.models import CreditRule, CreditType, EconomySettings

SCOPE = "economy"


@dataclass(frozen=True)
class TypeInfo:
    id: int
    slot: int
    name: str
    unit: str
    enabled: bool
    on_card: bool
    initial: int
    lower_limit: int
    transferable: bool
    exchange_ratio: int

    def amount(self, value: int) -> str:
        """"223003 鼎币": a value with the type's unit."""
        return f"{value} {self.unit}" if self.unit else str(value)


@dataclass(frozen=True)
class RuleInfo:
    action: str
    enabled: bool
    cycle: str
    cycle_length: int
    max_per_cycle: int
    amounts: dict[int, int] = field(default_factory=dict)  # credit type id -> amount


@dataclass(frozen=True)
class Economy:
    types: dict[int, TypeInfo]  # by id, in slot order
    rules: dict[str, RuleInfo]
    level_formula: str
    transfer_tax_percent: int
    transfer_min_kept: int
    transfer_daily_cap: int

    def enabled_types(self) -> list[TypeInfo]:
        return [t for t in self.types.values() if t.enabled]

    def card_types(self) -> list[TypeInfo]:
        return [t for t in self.types.values() if t.enabled and t.on_card]

    def by_slot(self, slot: int) -> TypeInfo | None:
        return next((t for t in self.types.values() if t.slot == slot), None)


def settings_row() -> EconomySettings:
    found, _ = EconomySettings.objects.get_or_create(pk=1)
    return found


def _read_types() -> dict[int, TypeInfo]:
    return {t.pk: TypeInfo(id=t.pk, slot=t.slot, name=t.name, unit=t.unit, enabled=t.enabled, on_card=t.on_card,
                           initial=t.initial, lower_limit=t.lower_limit, transferable=t.transferable,
                           exchange_ratio=t.exchange_ratio)
            for t in CreditType.objects.order_by("slot")}


def credit_types() -> dict[int, TypeInfo]:
    """The credit types by id, in slot order: all a page of author cards needs (one query when not kept)."""
    return pagecache.kept_table(SCOPE, _read_types, size=4096, name="types")


def _read() -> Economy:
    rules: dict[str, RuleInfo] = {}
    for action, enabled, cycle, length, times, type_id, amount in CreditRule.objects.values_list(
            "action", "enabled", "cycle", "cycle_length", "max_per_cycle", "amounts__credit_type_id",
            "amounts__amount"):
        rule = rules.setdefault(action, RuleInfo(action=action, enabled=enabled, cycle=cycle, cycle_length=length,
                                                 max_per_cycle=times, amounts={}))
        if type_id is not None:
            rule.amounts[type_id] = amount
    row = EconomySettings.objects.filter(pk=1).first() or EconomySettings(pk=1)
    return Economy(types=credit_types(), rules=rules, level_formula=row.level_formula,
                   transfer_tax_percent=row.transfer_tax_percent, transfer_min_kept=row.transfer_min_kept,
                   transfer_daily_cap=row.transfer_daily_cap)


def card_types() -> list[TypeInfo]:
    return [t for t in credit_types().values() if t.enabled and t.on_card]


def economy() -> Economy:
    return pagecache.kept_table(SCOPE, _read, size=16384, name="economy")


def changed() -> None:
    """Call inside the transaction that changed a type, a rule or the settings."""
    pagecache.bump(SCOPE)


def trade_type() -> TypeInfo | None:
    """The credit type paid content is priced in (settings LUNTAN["SELL_CREDIT_SLOT"]), or None when the site
    has no such type enabled: then nothing can be bought."""
    from django.conf import settings

    kind = economy().by_slot(settings.LUNTAN["SELL_CREDIT_SLOT"])
    return kind if kind is not None and kind.enabled else None


def price_text(amount: int) -> str:
    """A price in the trade currency, "5 金币" (the bare number on a site without one)."""
    kind = trade_type()
    return kind.amount(amount) if kind is not None else str(amount)
