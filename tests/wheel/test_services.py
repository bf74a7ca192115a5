"""Spinning: one transaction for the spin, the cost and the prize; refusals change nothing; a double
submission spins once; the daily allowance and the stock hold."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from factories import MemberFactory

from luntan.credits.models import CreditEntry, Operation, Wallet
from luntan.credits.services import credits_audit
from luntan.wheel import fairness, services
from luntan.wheel.models import Seed, Slot, Spin, WheelSettings


def balance(member, kind) -> int:
    return Wallet.objects.filter(member=member, credit_type=kind).values_list("balance", flat=True).first() or 0


def ledger(member) -> list[tuple]:
    return list(CreditEntry.objects.filter(member=member).order_by("id").values_list(
        "credit_type_id", "delta", "operation", "subject_id"))


def test_a_spin_pays_the_cost_and_the_prize_in_the_ledger(member, give, coin, one_slot):
    give(member, 100)
    slot = one_slot("小财神", amount=7)
    result = services.wheel_spin(member=member, submission_key="k" * 16)
    spin = result.spin
    assert (spin.slot_id, spin.slot_name, spin.prize_amount, spin.cost_amount, spin.nonce) == (
        slot.pk, "小财神", 7, 10, 1)
    assert balance(member, coin) == 20 + 100 - 10 + 7
    wheel_rows = CreditEntry.objects.filter(member=member, subject_kind="wheel_spin", subject_id=spin.pk)
    assert sorted(wheel_rows.values_list("operation", "delta")) == [
        (Operation.WHEEL_PRIZE, 7), (Operation.WHEEL_SPIN, -10)]
    assert credits_audit() == []


def test_a_prize_in_another_credit_type(member, give, coin, prestige, one_slot):
    give(member, 50)
    one_slot("威望 +1", amount=1, kind=prestige)
    services.wheel_spin(member=member, submission_key="k" * 16)
    assert (balance(member, coin), balance(member, prestige)) == (60, 1)


def test_nothing_won_still_costs(member, give, coin, one_slot):
    give(member, 10)
    one_slot("谢谢参与", amount=0)
    spin = services.wheel_spin(member=member, submission_key="k" * 16).spin
    assert not spin.won and spin.prize_type_id is None
    assert balance(member, coin) == 20
    assert ledger(member)[-1][1:3] == (-10, Operation.WHEEL_SPIN)


def test_without_the_balance_the_spin_is_refused_and_nothing_changes(member, coin, settings_row, one_slot):
    one_slot(stock=3)
    WheelSettings.objects.filter(pk=1).update(cost_amount=21)  # the member has the initial 20
    before = ledger(member)
    with pytest.raises(ValidationError) as refused:
        services.wheel_spin(member=member, submission_key="k" * 16)
    assert "财富" in refused.value.messages[0]
    assert ledger(member) == before and balance(member, coin) in (0, 20)
    assert not Spin.objects.exists()
    assert Slot.objects.get().stock == 3
    assert Seed.objects.filter(member=member, spins__gt=0).count() == 0


def test_without_spins_left_the_spin_is_refused_and_nothing_changes(member, give, coin, spins_per_day, one_slot):
    spins_per_day(2)
    give(member, 100)
    one_slot()
    services.wheel_spin(member=member, submission_key="a" * 16)
    services.wheel_spin(member=member, submission_key="b" * 16)
    before, money = ledger(member), balance(member, coin)
    with pytest.raises(ValidationError, match="2"):
        services.wheel_spin(member=member, submission_key="c" * 16)
    assert ledger(member) == before and balance(member, coin) == money
    assert Spin.objects.filter(member=member).count() == 2


def test_the_allowance_is_per_local_day(member, give, spins_per_day, one_slot, settings):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    spins_per_day(1)
    give(member, 100)
    one_slot()
    late = datetime(2026, 3, 1, 23, 59, tzinfo=ZoneInfo(settings.TIME_ZONE))
    services.wheel_spin(member=member, submission_key="a" * 16, now=late)
    with pytest.raises(ValidationError):
        services.wheel_spin(member=member, submission_key="b" * 16, now=late + timedelta(seconds=30))
    services.wheel_spin(member=member, submission_key="c" * 16, now=late + timedelta(minutes=2))
    assert Spin.objects.filter(member=member).count() == 2


def test_the_allowance_follows_the_group(member, give, one_slot):
    # newcomers (新手上路, under 50 credits) get 1 spin a day by default, administrators 5
    from factories import group_for

    from luntan.accounts.groups import rules_for
    from luntan.accounts.models import MemberGroup

    boss = MemberFactory(group=group_for(MemberGroup.Role.ADMIN))
    give(member, 10)
    give(boss, 100)
    one_slot(amount=0)
    assert (rules_for(member).wheel_spins_per_day, rules_for(boss).wheel_spins_per_day) == (1, 5)
    services.wheel_spin(member=member, submission_key="a" * 16)
    with pytest.raises(ValidationError):
        services.wheel_spin(member=member, submission_key="b" * 16)
    for i in range(5):
        services.wheel_spin(member=boss, submission_key=f"boss-{i:08d}")
    with pytest.raises(ValidationError):
        services.wheel_spin(member=boss, submission_key="boss-last-one")


def test_a_group_without_spins_is_refused(member, spins_per_day, one_slot):
    spins_per_day(0)
    one_slot()
    with pytest.raises(PermissionDenied):
        services.wheel_spin(member=member, submission_key="a" * 16)
    assert not Spin.objects.exists()


def test_a_closed_wheel_refuses(member, one_slot):
    one_slot()
    WheelSettings.objects.filter(pk=1).update(enabled=False)
    with pytest.raises(PermissionDenied):
        services.wheel_spin(member=member, submission_key="a" * 16)


def test_the_same_submission_key_spins_once(member, give, coin, spins_per_day, one_slot):
    spins_per_day(5)
    give(member, 100)
    one_slot()
    first = services.wheel_spin(member=member, submission_key="same-key-123")
    again = services.wheel_spin(member=member, submission_key="same-key-123")
    assert again.replayed and again.spin.pk == first.spin.pk
    assert Spin.objects.count() == 1
    assert CreditEntry.objects.filter(operation=Operation.WHEEL_SPIN).count() == 1


def test_keys_are_per_member(member, other_member, give, one_slot):
    give(member, 100)
    give(other_member, 100)
    one_slot()
    a = services.wheel_spin(member=member, submission_key="same-key-123")
    b = services.wheel_spin(member=other_member, submission_key="same-key-123")
    assert a.spin.pk != b.spin.pk


def test_stock_goes_down_and_an_empty_slot_is_never_drawn(member, give, coin, spins_per_day):
    spins_per_day(10)
    give(member, 1000)
    Slot.objects.all().delete()
    jackpot = Slot.objects.create(position=1, name="头奖", prize_type=coin, prize_amount=888, weight=1_000_000, stock=2)
    Slot.objects.create(position=2, name="谢谢参与", weight=1)
    names = [services.wheel_spin(member=member, submission_key=f"key-{i:08d}").spin.slot_name for i in range(5)]
    jackpot.refresh_from_db()
    assert jackpot.stock == 0
    assert names.count("头奖") == 2 and names[2:] == ["谢谢参与"] * 3
    last = Spin.objects.order_by("-id").first()
    assert last.table[0]["weight"] == 0 and last.table[1]["weight"] == 1


def test_a_wheel_with_nothing_left_refuses(member, give, one_slot):
    give(member, 100)
    one_slot(stock=0)
    with pytest.raises(ValidationError, match="nothing left|可以"):
        services.wheel_spin(member=member, submission_key="a" * 16)
    assert not Spin.objects.exists()


def test_guests_cannot_spin(db, one_slot):
    from django.contrib.auth.models import AnonymousUser

    one_slot()
    with pytest.raises(PermissionDenied):
        services.wheel_spin(member=AnonymousUser(), submission_key="a" * 16)


def test_every_spin_recomputes_from_its_seed_and_table(member, give, spins_per_day):
    spins_per_day(20)
    give(member, 1000)
    spins = [services.wheel_spin(member=member, submission_key=f"key-{i:08d}").spin for i in range(12)]
    assert [s.nonce for s in spins] == list(range(1, 13))
    for spin in spins:
        spin.seed.refresh_from_db()
        result = fairness.draw(spin.seed.server_seed, spin.client_seed, spin.nonce, [e["weight"] for e in spin.table])
        assert (result.index, result.roll) == (spin.index, spin.roll)
        assert spin.table[spin.index]["name"] == spin.slot_name


def test_an_old_spin_stays_verifiable_after_the_table_changes(member, give, admin):
    give(member, 100)
    spin = services.wheel_spin(member=member, submission_key="a" * 16).spin
    for slot in Slot.objects.all():
        slot.weight = 1
        services.slot_save(by=admin, slot=slot)
    services.slot_delete(by=admin, slot=Slot.objects.first())
    spin.refresh_from_db()
    seed = Seed.objects.get(pk=spin.seed_id)
    result = fairness.draw(seed.server_seed, spin.client_seed, spin.nonce, [e["weight"] for e in spin.table])
    assert result.index == spin.index


def test_rotating_reveals_the_old_seed_and_starts_counting_again(member, give, spins_per_day):
    spins_per_day(5)
    give(member, 100)
    old = services.seed_current(member=member)
    shown = old.server_hash
    services.wheel_spin(member=member, submission_key="a" * 16)
    new = services.seed_rotate(member=member, client_seed="my-lucky-seed")
    old = Seed.objects.get(member=member, server_hash=shown)
    assert old.revealed and fairness.seed_hash(old.server_seed) == shown
    assert not new.revealed and new.client_seed == "my-lucky-seed" and new.server_hash != shown
    spin = services.wheel_spin(member=member, submission_key="b" * 16).spin
    assert (spin.seed_id, spin.nonce, spin.client_seed) == (new.pk, 1, "my-lucky-seed")
    assert Seed.objects.filter(member=member, revealed_at__isnull=True).count() == 1


def test_the_seed_shown_before_the_first_spin_is_the_one_used(member, give):
    give(member, 100)
    shown = services.seed_current(member=member).server_hash
    spin = services.wheel_spin(member=member, submission_key="a" * 16).spin
    assert spin.seed.server_hash == shown


@pytest.mark.parametrize("raw", ["x" * 33, "幸运星", "a b", "<b>", ""])
def test_bad_client_seeds_change_nothing(member, raw):
    before = services.seed_current(member=member)
    with pytest.raises(ValidationError):
        services.seed_rotate(member=member, client_seed=raw)
    assert not Seed.objects.filter(member=member).exists()  # nothing stored, nothing revealed
    assert services.seed_current(member=member).server_hash == before.server_hash


def test_only_administrators_edit_the_wheel(member, admin, coin):
    slot = Slot(name="新奖", prize_type=coin, prize_amount=1, weight=5)
    with pytest.raises(PermissionDenied):
        services.slot_save(by=member, slot=slot)
    services.slot_save(by=admin, slot=slot)
    with pytest.raises(PermissionDenied):
        services.slot_delete(by=member, slot=slot)
    with pytest.raises(PermissionDenied):
        services.wheel_settings_save(by=member, row=WheelSettings.objects.get(pk=1))


def test_a_disabled_credit_type_cannot_be_a_prize_or_the_cost(admin, coin):
    coin.enabled = False
    coin.save()
    with pytest.raises(ValidationError):
        services.slot_save(by=admin, slot=Slot(name="x", prize_type=coin, prize_amount=1, weight=1))
    row = WheelSettings.objects.get(pk=1)
    row.cost_type = coin
    with pytest.raises(ValidationError):
        services.wheel_settings_save(by=admin, row=row)


def test_many_members_spinning_keep_the_books(give, spins_per_day):
    spins_per_day(3)
    members = MemberFactory.create_batch(4)
    for m in members:
        give(m, 30)
        for i in range(3):
            services.wheel_spin(member=m, submission_key=f"{m.pk}-key-{i:04d}")
    assert credits_audit() == []
    paid = CreditEntry.objects.filter(operation=Operation.WHEEL_SPIN).aggregate(s=Sum("delta"))["s"]
    assert paid == -10 * 12


def test_rotating_before_any_spin_reveals_the_seed_that_was_shown(member):
    shown = services.seed_current(member=member).server_hash
    services.seed_rotate(member=member)
    revealed = Seed.objects.get(member=member, revealed_at__isnull=False)
    assert revealed.server_hash == shown and fairness.seed_hash(revealed.server_seed) == shown


def test_opening_the_wheel_writes_nothing(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from helpers import signed_in

    client = signed_in(member)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/wheel/").status_code == 200
    assert [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))] == []
    assert not Seed.objects.filter(member=member).exists()
