"""Fixtures for the wheel's tests: the default wheel (from the migration) and a member rich enough to spin."""

import pytest
from helpers import clear_cache

from luntan.accounts.models import MemberGroup
from luntan.core import localcache
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.wheel.models import Slot, WheelSettings


@pytest.fixture
def coin(db) -> CreditType:
    """财富, the site's coin, which a spin costs by default."""
    return CreditType.objects.get(slot=1)


@pytest.fixture
def prestige(db) -> CreditType:
    return CreditType.objects.get(slot=2)


@pytest.fixture
def give(coin):
    """give(member, amount, kind=coin): credits through the ledger, as an administrator would."""

    def apply(member, amount: int, kind=None) -> None:
        credit_apply(changes=[Change(member.pk, (kind or coin).pk, amount)], operation=Operation.ADJUST)

    return apply


@pytest.fixture
def spins_per_day(db):
    """spins_per_day(n): every member group may spin n times a day."""

    def set_to(n: int) -> None:
        MemberGroup.objects.update(wheel_spins_per_day=n)
        clear_cache()  # the groups are kept in memory; a test's transaction never commits to bump them
        localcache.fragments.clear()

    return set_to


@pytest.fixture
def one_slot(db, coin):
    """only(name, amount=..., stock=...): a wheel with one slot, so the result is known in advance."""

    def only(name: str = "必中", amount: int = 7, stock: int | None = None, kind=None) -> Slot:
        Slot.objects.all().delete()
        return Slot.objects.create(position=1, name=name, prize_type=kind or (coin if amount else None),
                                   prize_amount=amount, weight=1, stock=stock)

    return only


@pytest.fixture
def settings_row(db) -> WheelSettings:
    return WheelSettings.objects.get(pk=1)
