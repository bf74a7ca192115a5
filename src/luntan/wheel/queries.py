"""The wheel's reads: what the page shows a reader, in a fixed number of queries whatever the table and
the lists hold."""

from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from luntan.accounts.groups import rules_for
from luntan.core.paging import Pages, page_count, page_number
from luntan.credits import config
from luntan.credits.models import Wallet
from luntan.wheel import drawing, fairness
from luntan.wheel.models import Seed, Slot, Spin, WheelSettings
from luntan.wheel.services import prize_text, spins_today

SPINS_PER_PAGE = 20
WINNERS_SHOWN = 12


@dataclass(frozen=True)
class SlotOdds:
    index: int
    slot: Slot
    prize: str
    chance: Fraction  # 0 when it cannot be drawn

    @property
    def percent(self) -> str:
        """The exact chance as a percentage, with as many decimals as it needs (up to 4, then rounded)."""
        value = self.chance * 100
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
        exact = value.denominator == 1 or (value * 10000).denominator == 1
        return f"{text}%" if exact else f"≈{text}%"


def odds(slots: list[Slot]) -> list[SlotOdds]:
    total = sum(s.drawable_weight for s in slots)
    return [SlotOdds(index=i, slot=s, prize=prize_text(s.prize_type_id, s.prize_amount),
                     chance=Fraction(s.drawable_weight, total) if total else Fraction(0))
            for i, s in enumerate(slots)]


def current_slots() -> list[Slot]:
    return list(Slot.objects.order_by("position", "pk"))


@dataclass(frozen=True)
class MemberState:
    allowed: int
    used: int
    balance: int | None  # of the cost type
    seed: Seed

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)


def member_state(member, row: WheelSettings, seed: Seed) -> MemberState:
    balance = None
    if row.cost_type_id is not None:
        kind = config.credit_types().get(row.cost_type_id)
        found = Wallet.objects.filter(member_id=member.pk, credit_type_id=row.cost_type_id).values_list(
            "balance", flat=True).first()
        balance = found if found is not None else (kind.initial if kind else 0)
    return MemberState(allowed=rules_for(member).wheel_spins_per_day,
                       used=spins_today(member.pk, timezone.localdate()), balance=balance, seed=seed)


def recent_winners(limit: int = WINNERS_SHOWN) -> list[dict]:
    rows = Spin.objects.filter(prize_amount__gt=0).order_by("-id").values(
        "id", "member_id", "member__username", "slot_name", "prize_type_id", "prize_amount", "created_at")[:limit]
    return [{**row, "prize": prize_text(row["prize_type_id"], row["prize_amount"])} for row in rows]


def own_spin(member, raw: str | None) -> Spin | None:
    """The member's own spin by the id in the address; anything else (not a number, not theirs) is None."""
    number = parse_id(raw)
    if number is None or not getattr(member, "is_authenticated", False):
        return None
    return Spin.objects.filter(pk=number, member_id=member.pk).select_related("seed").first()


def parse_id(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def spin_wheel(spin: Spin) -> drawing.Wheel:
    """The wheel as it was for `spin` (its own table), turned to the slot it landed on."""
    entries = [(e["name"], not e["weight"]) for e in spin.table]
    return drawing.wheel(entries, chosen=spin.index, jitter=drawing.jitter_of(spin.roll))


def current_wheel(slots: list[Slot]) -> drawing.Wheel:
    return drawing.wheel([(s.name, not s.drawable_weight) for s in slots])


def my_spins(member, raw_page: str | None) -> tuple[list[Spin], Pages]:
    total = Spin.objects.filter(member_id=member.pk).count()
    count = page_count(total, SPINS_PER_PAGE)
    number = page_number(raw_page, last=count)
    start = (number - 1) * SPINS_PER_PAGE
    spins = list(Spin.objects.filter(member_id=member.pk).select_related("seed").order_by("-id")[
        start:start + SPINS_PER_PAGE])
    return spins, Pages(number=number, count=count)


def revealed_spins(limit: int = 10) -> list[Spin]:
    """Recent spins whose server seed has been revealed: examples anyone can check."""
    return list(Spin.objects.filter(seed__revealed_at__isnull=False).select_related("seed", "member").order_by(
        "-id")[:limit])


def public_spin(raw: str | None) -> Spin | None:
    number = parse_id(raw)
    if number is None:
        return None
    return Spin.objects.filter(pk=number).select_related("seed", "member").first()



@dataclass(frozen=True)
class Ticketed:
    index: int
    name: str
    weight: int
    first: int | None  # the slot's tickets, first .. last; None for a weight of 0
    last: int | None


@dataclass(frozen=True)
class Verification:
    server_hash: str
    draw: fairness.Draw
    slots: list[Ticketed]
    matches: bool | None  # does it give the recorded spin's slot (None: no spin to compare with)


def verification(fields: dict, recorded: Spin | None) -> Verification:
    """Recomputes a spin from the verify form's fields, with the ticket ranges that explain the result."""
    weights = fields["weights"]
    result = fairness.draw(fields["server_seed"], fields["client_seed"], fields["nonce"], weights)
    names = [e["name"] for e in recorded.table] if recorded and len(recorded.table) == len(weights) else []
    slots, upto = [], 0
    for i, weight in enumerate(weights):
        slots.append(Ticketed(index=i, name=names[i] if names else f"#{i + 1}", weight=weight,
                              first=upto if weight else None, last=upto + weight - 1 if weight else None))
        upto += weight
    matches = None
    if recorded is not None:
        matches = (result.index == recorded.index and fields["nonce"] == recorded.nonce
                   and fields["client_seed"] == recorded.client_seed
                   and fairness.seed_hash(fields["server_seed"]) == recorded.seed.server_hash)
    return Verification(server_hash=fairness.seed_hash(fields["server_seed"]), draw=result, slots=slots,
                        matches=matches)
