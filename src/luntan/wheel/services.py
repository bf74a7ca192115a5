"""The wheel's writes. A spin locks the member (the lock of their wallets, their seed and their daily
allowance), then the prize table's rows (the lock of the stock), decides the slot from the member's seeds,
and writes the spin, the cost and the prize in one transaction: the cost and the prize through
`credit_apply`, so that the ledger has both or neither. Lock order: member, then slots (by id)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.accounts.models import Member
from luntan.credits import config
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply, lock_members
from luntan.wheel import fairness
from luntan.wheel.models import MAX_SLOTS, MAX_WEIGHT, Seed, Slot, Spin, WheelSettings


def wheel_settings() -> WheelSettings:
    found = WheelSettings.objects.select_related("cost_type").filter(pk=1).first()
    return found or WheelSettings(pk=1, enabled=False)


def prize_text(type_id: int | None, amount: int) -> str:
    """"5 鼎币", "1 点 威望" ... or 谢谢参与 for nothing."""
    kind = config.credit_types().get(type_id) if type_id is not None else None
    if kind is None or amount <= 0:
        return _("Nothing (thanks for playing)")
    return f"{kind.name} {kind.amount(amount)}"


def snapshot(slots: list[Slot]) -> list[dict]:
    return [{"id": s.pk, "name": s.name, "weight": s.drawable_weight, "prize_type": s.prize_type_id,
             "prize_amount": s.prize_amount if s.has_prize else 0,
             "prize": prize_text(s.prize_type_id, s.prize_amount)} for s in slots]


# --- Seeds ---------------------------------------------------------------------------------------------

def _first_seed(member_id: int) -> tuple[str, str]:
    """A member's first server and client seed, derived from the site's secret key rather than stored: the
    wheel page shows the server seed's hash before the first spin without writing anything (a page view
    never writes). The first spin or a rotation stores it. An HMAC's output tells nothing of its key, so
    revealing this seed later is as safe as revealing a random one."""
    server = hmac.new(settings.SECRET_KEY.encode(), f"luntan-wheel-seed:{member_id}".encode(),
                      hashlib.sha256).hexdigest()
    client = hmac.new(settings.SECRET_KEY.encode(), f"luntan-wheel-client:{member_id}".encode(),
                      hashlib.sha256).hexdigest()[:16]
    return server, client


def seed_current(*, member: Member) -> Seed:
    """The member's active seed; before their first spin, the first seed (not stored yet, see _first_seed)."""
    found = Seed.objects.filter(member=member, revealed_at__isnull=True).first()
    if found is not None:
        return found
    server, client = _first_seed(member.pk)
    return Seed(member=member, server_seed=server, server_hash=fairness.seed_hash(server), client_seed=client)


def _store_first_seed(member_id: int, now: datetime, *, revealed: bool = False) -> Seed:
    """Stores the member's first seed (member row locked by the caller)."""
    server, client = _first_seed(member_id)
    return Seed.objects.create(member_id=member_id, server_seed=server, server_hash=fairness.seed_hash(server),
                               client_seed=client, created_at=now, revealed_at=now if revealed else None)


def check_client_seed(raw: str) -> str:
    try:
        return fairness.clean_client_seed(raw)
    except ValueError as error:
        reason = str(error)
    if reason == "long":
        raise ValidationError(_("The client seed can be at most %(n)s characters long.") % {
            "n": fairness.CLIENT_SEED_MAX}, code="seed_long")
    if reason == "chars":
        raise ValidationError(_("The client seed may only contain letters a-z and A-Z, digits, dot, dash and "
                                "underscore."), code="seed_chars")
    raise ValidationError(_("Enter a client seed, or leave it to us with “random”."), code="seed_empty")


def seed_rotate(*, member: Member, client_seed: str | None = None, now: datetime | None = None) -> Seed:
    """Reveals the member's server seed and starts a new pair; `client_seed` None picks a random one.
    Returns the new seed (the old one, revealed, is the member's latest revealed seed)."""
    if not member.is_authenticated:
        raise PermissionDenied(_("Please log in first."))
    chosen = fairness.new_client_seed() if client_seed is None else check_client_seed(client_seed)
    now = now or timezone.now()
    with transaction.atomic():
        lock_members([member.pk])
        if not Seed.objects.filter(member=member, revealed_at__isnull=True).update(revealed_at=now):
            _store_first_seed(member.pk, now, revealed=True)  # never spun: its first seed is revealed all the same
        server = fairness.new_server_seed()
        return Seed.objects.create(member=member, server_seed=server, server_hash=fairness.seed_hash(server),
                                   client_seed=chosen, created_at=now)


# --- Spinning ------------------------------------------------------------------------------------------

def spins_today(member_id: int, day) -> int:
    return Spin.objects.filter(member_id=member_id, day=day).count()


@dataclass(frozen=True)
class SpinResult:
    spin: Spin
    replayed: bool  # the same submission key was sent before: this is the first spin, not a new one


def check_can_spin(member, settings_row: WheelSettings) -> None:
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to spin the wheel."))
    if not settings_row.enabled:
        raise PermissionDenied(_("The lucky wheel is closed for now."))
    if rules_for(member).wheel_spins_per_day <= 0:
        raise PermissionDenied(_("Your member group cannot spin the lucky wheel."))


def wheel_spin(*, member: Member, submission_key: str = "", now: datetime | None = None) -> SpinResult:
    """Spins once for `member`: refused (nothing written, nothing paid) without spins left today, without
    the balance to pay, or with nothing to win on the wheel. A key sent before returns that first spin."""
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to spin the wheel."))
    key = (submission_key or "")[:64]
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        locked = lock_members([member.pk]).get(member.pk)
        if locked is None:
            raise PermissionDenied(_("Please log in to spin the wheel."))
        if key:
            earlier = Spin.objects.filter(member_id=member.pk, key=key).first()
            if earlier is not None:
                return SpinResult(earlier, replayed=True)
        row = wheel_settings()
        check_can_spin(locked, row)
        allowed = rules_for(locked).wheel_spins_per_day
        if spins_today(member.pk, day) >= allowed:
            raise ValidationError(_("You have used all %(n)s of today's spins. Come back tomorrow!") % {"n": allowed},
                                  code="no_spins_left")
        slots = list(Slot.objects.select_for_update().order_by("pk"))
        slots.sort(key=lambda s: (s.position, s.pk))
        table = snapshot(slots)
        if not any(entry["weight"] for entry in table):
            raise ValidationError(_("There is nothing left to win on the wheel right now."), code="empty_wheel")
        seed = Seed.objects.filter(member_id=member.pk, revealed_at__isnull=True).first()
        if seed is None:
            seed = _store_first_seed(member.pk, now)
        nonce = seed.spins + 1
        result = fairness.draw(seed.server_seed, seed.client_seed, nonce, [e["weight"] for e in table])
        won = slots[result.index]
        cost_type_id = row.cost_type_id if row.cost_amount else None
        spin = Spin.objects.create(
            member_id=member.pk, seed=seed, nonce=nonce, client_seed=seed.client_seed, table=table,
            index=result.index, roll=result.roll, slot=won, slot_name=won.name,
            prize_type_id=won.prize_type_id if won.has_prize else None,
            prize_amount=won.prize_amount if won.has_prize else 0,
            cost_type_id=cost_type_id, cost_amount=row.cost_amount if cost_type_id else 0,
            day=day, key=key, created_at=now)
        if cost_type_id:
            credit_apply(changes=[Change(member.pk, cost_type_id, -row.cost_amount)], operation=Operation.WHEEL_SPIN,
                         subject_kind="wheel_spin", subject_id=spin.pk, note=won.name, now=now)
        if spin.won:
            credit_apply(changes=[Change(member.pk, won.prize_type_id, won.prize_amount)],  # type: ignore[arg-type]
                         operation=Operation.WHEEL_PRIZE, subject_kind="wheel_spin", subject_id=spin.pk,
                         note=won.name, now=now)
        if won.stock is not None:
            # The slot row is locked and drawn only with stock left, so this takes it at most to 0; the
            # CheckConstraint refuses anything below.
            Slot.objects.filter(pk=won.pk).update(stock=F("stock") - 1)
        Seed.objects.filter(pk=seed.pk).update(spins=nonce)
    return SpinResult(spin, replayed=False)


# --- Administration ------------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the lucky wheel."))


def _check_type(kind: CreditType | None, *, field: str) -> None:
    if kind is not None and not kind.enabled:
        raise ValidationError({field: _("“%(name)s” is disabled; choose an enabled credit type.") % {
            "name": kind.name}}, code="type_disabled")


def wheel_settings_save(*, by, row: WheelSettings) -> WheelSettings:
    _check_admin(by)
    _check_type(row.cost_type, field="cost_type")
    with transaction.atomic():
        row.pk = 1
        row.save()
    return row


def slot_save(*, by, slot: Slot) -> Slot:
    _check_admin(by)
    _check_type(slot.prize_type, field="prize_type")
    if slot.weight > MAX_WEIGHT:
        raise ValidationError({"weight": _("A weight can be at most %(n)s.") % {"n": MAX_WEIGHT}}, code="weight")
    if not (slot.name or "").strip():
        raise ValidationError({"name": _("Give the slot a name.")}, code="name")
    with transaction.atomic():
        if slot.pk is None and Slot.objects.count() >= MAX_SLOTS:
            raise ValidationError(_("The wheel has at most %(n)s slots.") % {"n": MAX_SLOTS}, code="too_many_slots")
        if slot.pk is not None:
            Slot.objects.select_for_update().filter(pk=slot.pk).first()
        slot.name = slot.name.strip()
        slot.save()
    return slot


def slot_delete(*, by, slot: Slot) -> None:
    """Removes a slot; its spins keep its name and prize, and their table snapshot keeps them verifiable."""
    _check_admin(by)
    with transaction.atomic():
        slot.delete()
