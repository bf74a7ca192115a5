"""社区服务: transfer and exchange, as a member uses them, and every way they refuse."""

import threading

import pytest
from django.db import connection
from factories import PASSWORD, MemberFactory
from helpers import signed_in

from luntan.credits import config, services
from luntan.credits.models import CreditEntry, CreditType, EconomySettings, Operation, Wallet

pytestmark = pytest.mark.django_db


def coin() -> CreditType:
    return CreditType.objects.get(slot=1)


def give(member, amount: int, kind: CreditType | None = None) -> None:
    kind = kind or coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, amount)], operation=Operation.ADJUST)


def balance(member, kind: CreditType | None = None) -> int:
    kind = kind or coin()
    found = Wallet.objects.filter(member=member, credit_type=kind).first()
    return found.balance if found else kind.initial


def transfer_form(to: str, amount, password: str = PASSWORD, **extra) -> dict:
    return {"recipient": to, "credit_type": coin().pk, "amount": amount, "password": password, "note": "",
            "submission_key": "", **extra}


def test_a_transfer_moves_credits_less_the_tax(member, other_member):
    give(member, 980)  # 1000
    response = signed_in(member).post("/services/transfer/", transfer_form(other_member.username, "200"))
    assert response.status_code == 302
    assert balance(member) == 800
    assert balance(other_member) == 20 + 190  # 5 % tax
    assert CreditEntry.objects.filter(member=member, operation=Operation.TRANSFER_TAX).get().delta == -10
    assert services.credits_audit() == []


@pytest.mark.parametrize(("recipient", "amount", "password", "message"), [
    ("self", "10", PASSWORD, "不能给自己转账"),
    ("没有这个人", "10", PASSWORD, "没有名为"),
    ("other", "-5", PASSWORD, "必须大于 0"),
    ("other", "0", PASSWORD, "必须大于 0"),
    ("other", "1.5", PASSWORD, "整数"),
    ("other", "99999999999999999999", PASSWORD, "太大"),
    ("other", "10", "不对的密码", "密码不正确"),
    ("other", "995", PASSWORD, "至少要留下"),
])
def test_a_refused_transfer_says_why_keeps_the_form_and_changes_nothing(member, other_member, recipient, amount,
                                                                       password, message):
    give(member, 980)
    before = CreditEntry.objects.count()
    name = {"self": member.username, "other": other_member.username}.get(recipient, recipient)
    response = signed_in(member).post("/services/transfer/", transfer_form(name, amount, password))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{name}"' in html  # what the member typed is still there
    assert (balance(member), balance(other_member)) == (1000, 20)
    assert CreditEntry.objects.count() == before


def test_the_daily_cap_counts_what_was_sent_today(member, other_member):
    EconomySettings.objects.filter(pk=1).update(transfer_daily_cap=300)
    config.changed()
    give(member, 980)
    client = signed_in(member)
    assert client.post("/services/transfer/", transfer_form(other_member.username, "200")).status_code == 302
    response = client.post("/services/transfer/", transfer_form(other_member.username, "200"))
    assert response.status_code == 400 and "每天最多" in response.content.decode()
    assert balance(member) == 800


def test_a_double_click_transfers_once(member, other_member):
    give(member, 980)
    client = signed_in(member)
    for _ in range(2):
        client.post("/services/transfer/", transfer_form(other_member.username, "100", submission_key="k1"))
    assert balance(member) == 900


def test_a_type_that_is_not_transferable_cannot_be_sent(member, other_member):
    prestige = CreditType.objects.get(slot=2)
    response = signed_in(member).post("/services/transfer/", {**transfer_form(other_member.username, "1"),
                                                              "credit_type": prestige.pk})
    assert response.status_code == 400
    assert balance(member, prestige) == 0


def test_the_transfer_page_asks_a_guest_to_log_in(client):
    response = client.get("/services/transfer/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_exchange_pays_at_the_admins_ratios(member):
    gold = CreditType.objects.get(slot=4)  # 会员币, worth 10 财富
    give(member, 80)  # 100 财富
    response = signed_in(member).post("/services/exchange/", {"source": coin().pk, "target": gold.pk,
                                                               "amount": "55", "submission_key": ""})
    assert response.status_code == 302
    assert (balance(member), balance(member, gold)) == (45, 5)
    assert services.credits_audit() == []


@pytest.mark.parametrize(("target_slot", "amount", "message"), [
    (1, "10", "不同的"),
    (2, "10", "不能兑换"),
    (4, "9", "不够兑换"),
    (4, "abc", "整数"),
])
def test_a_refused_exchange_changes_nothing(member, target_slot, amount, message):
    give(member, 80)
    target = CreditType.objects.get(slot=target_slot)
    before = CreditEntry.objects.count()
    response = signed_in(member).post("/services/exchange/", {"source": coin().pk, "target": target.pk,
                                                               "amount": amount, "submission_key": ""})
    assert response.status_code == 400 and message in response.content.decode()
    assert CreditEntry.objects.count() == before


def test_my_credits_page_lists_the_ledger_filtered_by_type_and_operation(member, other_member,
                                                                        django_assert_max_num_queries):
    give(member, 980)
    services.credit_transfer(sender=member, recipient_name=other_member.username, credit_type_id=coin().pk,
                             amount=100, password=PASSWORD)
    client = signed_in(member)
    html = client.get(f"/credits/?op={Operation.TRANSFER_OUT}").content.decode()
    assert "转账支出" in html and "管理员调整" not in html.split("<tbody>")[1]
    assert f'href="/user/{other_member.pk}/"' in html
    for _ in range(40):
        give(member, 1)
    with django_assert_max_num_queries(8):
        assert client.get("/credits/?type=abc&op=evil&page=zz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_racing_transfers_never_overdraw_a_balance():
    sender, a, b = MemberFactory(), MemberFactory(), MemberFactory()
    EconomySettings.objects.filter(pk=1).update(transfer_min_kept=0, transfer_daily_cap=0)
    config.changed()
    give(sender, 80)  # 100
    outcomes: list[str] = []

    def send(to):
        try:
            services.credit_transfer(sender=sender, recipient_name=to.username, credit_type_id=coin().pk,
                                     amount=60, password=PASSWORD)
            outcomes.append("sent")
        except services.NotEnoughCredits:
            outcomes.append("refused")
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(m,)) for m in (a, b, a, b)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "sent"]
    assert balance(sender) == 40
    assert services.credits_audit() == []


def test_a_fresh_exchange_form_proposes_two_different_types(member):
    html = signed_in(member).get("/services/exchange/").content.decode()
    coin, gold = CreditType.objects.get(slot=1), CreditType.objects.get(slot=4)
    assert f'<option value="{coin.pk}" selected>' in html.split('name="source"')[1].split("</select>")[0]
    assert f'<option value="{gold.pk}" selected>' in html.split('name="target"')[1].split("</select>")[0]
