"""The economy in the Django admin writes through the services."""

import pytest

from luntan.credits.models import CreditEntry, CreditType, EconomySettings, Operation, Wallet

pytestmark = pytest.mark.django_db


def test_an_adjustment_added_in_the_admin_changes_the_balance_through_the_ledger(admin_client, member):
    coin = CreditType.objects.get(slot=1)
    response = admin_client.post("/admin/credits/creditentry/add/", {
        "member": member.pk, "credit_type": coin.pk, "delta": "-15", "note": "违规广告扣分"})
    assert response.status_code == 302
    assert Wallet.objects.get(member=member, credit_type=coin).balance == 5
    assert CreditEntry.objects.filter(member=member, operation=Operation.ADJUST, note="违规广告扣分").exists()


def test_an_adjustment_below_the_limit_is_refused_with_a_message(admin_client, member):
    coin = CreditType.objects.get(slot=1)
    response = admin_client.post("/admin/credits/creditentry/add/", {
        "member": member.pk, "credit_type": coin.pk, "delta": "-21", "note": "扣光"}, follow=True)
    assert "不足" in response.content.decode() or "Not enough" in response.content.decode()
    assert not Wallet.objects.filter(member=member, credit_type=coin).exists()


def test_a_ledger_row_cannot_be_deleted_in_the_admin(admin_client, member):
    coin = CreditType.objects.get(slot=1)
    admin_client.post("/admin/credits/creditentry/add/", {
        "member": member.pk, "credit_type": coin.pk, "delta": "5", "note": "奖励"})
    entry = CreditEntry.objects.filter(operation=Operation.ADJUST).get()
    admin_client.post(f"/admin/credits/creditentry/{entry.pk}/delete/", {"post": "yes"})
    assert CreditEntry.objects.filter(pk=entry.pk).exists()


def test_a_formula_that_cannot_be_parsed_is_refused_in_the_admin(admin_client):
    response = admin_client.post("/admin/credits/economysettings/1/change/", {
        "level_formula": "发帖 + os.system(1)", "transfer_tax_percent": 5, "transfer_min_kept": 10,
        "transfer_daily_cap": 5000})
    assert response.status_code == 200
    assert EconomySettings.objects.get(pk=1).level_formula.startswith("发帖 + 精华")


def test_a_lower_limit_above_a_balance_keeps_the_balance(admin_client, member):
    from luntan.credits import services

    coin = CreditType.objects.get(slot=1)
    services.credit_apply(changes=[services.Change(member.pk, coin.pk, -10)], operation=Operation.ADJUST)
    response = admin_client.post(f"/admin/credits/credittype/{coin.pk}/change/", {
        "slot": 1, "name": "财富", "unit": "鼎币", "enabled": "on", "on_card": "on", "initial": 20,
        "lower_limit": 15, "transferable": "on", "exchange_ratio": 1})
    assert response.status_code == 302
    wallet = Wallet.objects.get(member=member, credit_type=coin)
    assert (wallet.balance, wallet.lower_limit) == (10, 10)
    assert services.credits_audit() == []
