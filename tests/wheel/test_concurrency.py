"""Spins racing each other, with real threads and real transactions (run on SQLite and on PostgreSQL):
the last spin of the day, the last coins and the last prize in stock go to one of them only, a double
submission spins once, and the ledger audit is clean afterwards."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from factories import MemberFactory

from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import credits_audit
from luntan.wheel import services
from luntan.wheel.models import Slot, Spin, WheelSettings

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls) -> tuple[list, list[BaseException]]:
    """Runs the calls at once, each in its own thread and connection; returns the results and the errors."""
    results, errors = [], []
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            results.append(call())
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(c,)) for c in calls]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results, errors


def refused_only(errors) -> None:
    assert all(isinstance(e, ValidationError) for e in errors), errors


def test_the_last_spin_of_the_day_goes_to_one_request(give, spins_per_day):
    spins_per_day(1)
    member = MemberFactory()
    give(member, 500)
    results, errors = race([lambda i=i: services.wheel_spin(member=member, submission_key=f"key-{i:010d}")
                            for i in range(6)])
    assert len(results) == 1 and len(errors) == 5
    refused_only(errors)
    assert Spin.objects.filter(member=member).count() == 1
    assert CreditEntry.objects.filter(member=member, operation=Operation.WHEEL_SPIN).count() == 1
    assert credits_audit() == []


def test_the_last_coins_pay_for_one_spin_only(give, spins_per_day, one_slot):
    spins_per_day(10)
    one_slot("谢谢参与", amount=0)
    WheelSettings.objects.filter(pk=1).update(cost_amount=15)
    member = MemberFactory()  # 20 鼎币 to start with: one spin's worth
    give(member, 0)
    results, errors = race([lambda i=i: services.wheel_spin(member=member, submission_key=f"key-{i:010d}")
                            for i in range(6)])
    assert len(results) == 1
    refused_only(errors)
    assert Spin.objects.count() == 1
    assert credits_audit() == []


def test_the_last_prize_in_stock_is_won_once(give, spins_per_day, coin):
    spins_per_day(5)
    Slot.objects.all().delete()
    Slot.objects.create(position=1, name="头奖", prize_type=coin, prize_amount=888, weight=1_000_000, stock=2)
    Slot.objects.create(position=2, name="谢谢参与", weight=1)
    members = MemberFactory.create_batch(6)
    for m in members:
        give(m, 100)
    results, errors = race([lambda m=m: services.wheel_spin(member=m, submission_key="same-key-000")
                            for m in members])
    assert errors == [] and len(results) == 6
    assert Slot.objects.get(name="头奖").stock == 0
    assert Spin.objects.filter(slot_name="头奖").count() == 2
    assert CreditEntry.objects.filter(operation=Operation.WHEEL_PRIZE, delta=888).count() == 2
    assert credits_audit() == []


def test_a_double_submission_spins_once(give, spins_per_day):
    spins_per_day(10)
    member = MemberFactory()
    give(member, 500)
    results, errors = race([lambda: services.wheel_spin(member=member, submission_key="double-click-1")
                            for _ in range(5)])
    assert errors == []
    assert len({r.spin.pk for r in results}) == 1 and sum(not r.replayed for r in results) == 1
    assert Spin.objects.count() == 1
    assert credits_audit() == []


def test_spins_and_seed_rotations_mixed_keep_nonces_and_books(give, spins_per_day):
    spins_per_day(20)
    member = MemberFactory()
    give(member, 1000)
    calls = [lambda i=i: services.wheel_spin(member=member, submission_key=f"key-{i:010d}") for i in range(8)]
    calls += [lambda: services.seed_rotate(member=member) for _ in range(2)]
    _, errors = race(calls)
    assert errors == []
    assert Spin.objects.filter(member=member).count() == 8
    for seed_id in set(Spin.objects.values_list("seed_id", flat=True)):
        nonces = sorted(Spin.objects.filter(seed_id=seed_id).values_list("nonce", flat=True))
        assert nonces == list(range(1, len(nonces) + 1))
    assert credits_audit() == []
