"""The ledger: every change of a balance is a row, the balance is never below its limit, and the audit
finds any difference."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from factories import MemberFactory
from helpers import at_once

from luntan.accounts.models import MemberGroup
from luntan.credits import config, formula, services
from luntan.credits.models import CreditEntry, CreditRule, CreditType, Operation, RuleAmount, Wallet
from luntan.forum import services as forum

pytestmark = pytest.mark.django_db


def coin() -> CreditType:
    return CreditType.objects.get(slot=1)  # 财富, 20 鼎币 to start


def balance(member, kind: CreditType) -> int:
    found = Wallet.objects.filter(member=member, credit_type=kind).first()
    return found.balance if found else kind.initial


def test_first_change_opens_the_wallet_with_its_initial_value_in_the_ledger(member):
    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, 5)], operation=Operation.ADJUST)
    rows = list(CreditEntry.objects.filter(member=member).order_by("id").values_list("operation", "delta",
                                                                                      "balance_after"))
    assert rows == [(Operation.INITIAL, 20, 20), (Operation.ADJUST, 5, 25)]
    assert balance(member, kind) == 25
    assert services.credits_audit() == []


def test_a_change_below_the_lower_limit_is_refused_and_changes_nothing(member):
    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, 1)], operation=Operation.ADJUST)
    before = CreditEntry.objects.count()
    with pytest.raises(services.NotEnoughCredits) as refused:
        services.credit_apply(changes=[services.Change(member.pk, kind.pk, -22)], operation=Operation.WHEEL_SPIN)
    assert "21" in str(refused.value.messages[0])
    assert balance(member, kind) == 21
    assert CreditEntry.objects.count() == before


def test_the_database_itself_refuses_a_balance_below_the_limit(member):
    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, 1)], operation=Operation.ADJUST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(member=member, credit_type=kind).update(balance=-1)


def test_a_reward_taken_back_takes_at_most_what_is_there(member):
    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, -18)], operation=Operation.ADJUST)
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, -5)], operation=Operation.THREAD_DELETED,
                          clamp=True)
    assert balance(member, kind) == 0
    assert CreditEntry.objects.filter(operation=Operation.THREAD_DELETED).get().delta == -2
    assert services.credits_audit() == []


def test_posting_earns_by_the_rules_and_a_deleted_reply_takes_it_back(board, member, other_member):
    floor = forum.thread_create(author=member, board=board, title="新人报到", source="大家好", fmt="bbcode")
    assert balance(member, coin()) == 20 + 3
    reply = forum.post_reply(author=other_member, thread=floor.thread, source="欢迎欢迎", fmt="bbcode")
    assert balance(other_member, coin()) == 21
    entry = CreditEntry.objects.get(member=other_member, operation=Operation.REPLY)
    assert (entry.subject_kind, entry.subject_id) == ("floor", reply.pk)
    forum.floor_delete(member=other_member, floor=reply)
    assert balance(other_member, coin()) == 20
    assert services.credits_audit() == []


def test_a_rule_counts_only_as_often_as_its_cycle_allows(board, member):
    rule = CreditRule.objects.get(action=Operation.REPLY)
    rule.max_per_cycle = 2
    rule.save()
    config.changed()
    thread = forum.thread_create(author=member, board=board, title="限次", source="正文", fmt="bbcode").thread
    other = MemberFactory()
    for i in range(4):
        forum.post_reply(author=other, thread=thread, source=f"回复{i}", fmt="bbcode")
    assert CreditEntry.objects.filter(member=other, operation=Operation.REPLY).count() == 2
    assert balance(other, coin()) == 22


def test_a_digest_pays_per_level_and_lowering_it_takes_the_difference_back(board, member, admin):
    thread = forum.thread_create(author=member, board=board, title="好文", source="正文", fmt="bbcode").thread
    forum.thread_update(member=admin, thread=thread, digest=2)
    prestige = CreditType.objects.get(slot=2)
    assert balance(member, prestige) == 10
    forum.thread_update(member=admin, thread=thread, digest=1)
    assert balance(member, prestige) == 5
    member.refresh_from_db()
    assert member.digest_count == 1


def test_levels_follow_the_formula_and_special_groups_never_move(member, admin):
    services.credit_apply(changes=[services.Change(member.pk, coin().pk, 300)], operation=Operation.ADJUST)
    member.refresh_from_db()
    assert member.credit_total == 320
    assert member.group.role == MemberGroup.Role.INTERMEDIATE
    silenced = MemberFactory(group=MemberGroup.for_role(MemberGroup.Role.SILENCED))
    services.credit_apply(changes=[services.Change(silenced.pk, coin().pk, 5000)], operation=Operation.ADJUST)
    silenced.refresh_from_db()
    assert silenced.group.role == MemberGroup.Role.SILENCED
    assert silenced.credit_total == 5020


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("发帖 + 精华*5 + 威望×2", {"发帖": 10, "精华": 2, "威望": 3}, 26),
    ("(posts - 1) * 2 ÷ 3", {"posts": 7}, 4),
    ("-财富 + 100", {"财富": 30}, 70),
    ("10 / 0", {}, 0),
])
def test_the_formula_computes_without_eval(text, values, expected):
    tree = formula.parse(text, frozenset({"发帖", "精华", "威望", "posts", "财富"}))
    assert formula.evaluate(tree, values) == expected


@pytest.mark.parametrize("text", ["__import__('os')", "发帖 +", "(发帖", "发帖 ** 2", "未知 + 1", "1 2", ""])
def test_a_formula_that_is_not_arithmetic_over_known_names_is_refused(text):
    with pytest.raises(ValidationError):
        formula.parse(text, frozenset({"发帖"}))


def test_the_audit_finds_a_balance_changed_behind_the_ledger(member):
    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, 5)], operation=Operation.ADJUST)
    Wallet.objects.filter(member=member, credit_type=kind).update(balance=999)
    problems = services.credits_audit()
    assert [(p.member_id, p.type_id) for p in problems] == [(member.pk, kind.pk)] * 2


def test_the_audit_command_exits_non_zero_on_a_difference(member, capsys):
    from django.core.management import call_command

    kind = coin()
    services.credit_apply(changes=[services.Change(member.pk, kind.pk, 5)], operation=Operation.ADJUST)
    call_command("credits", "audit")
    assert "0 problems" in capsys.readouterr().out
    Wallet.objects.filter(member=member, credit_type=kind).update(balance=7)
    with pytest.raises(SystemExit) as stopped:
        call_command("credits", "audit")
    assert stopped.value.code == 1


def test_the_card_shows_each_card_credit_with_its_unit(member, client):
    services.credit_apply(changes=[services.Change(member.pk, coin().pk, 223)], operation=Operation.ADJUST)
    html = client.get(f"/user/{member.pk}/").content.decode()
    assert "<dt>财富</dt><dd>243 鼎币</dd>" in html
    assert "<dt>威望</dt><dd>0 点</dd>" in html
    CreditType.objects.filter(slot=2).update(on_card=False)
    config.changed()
    from helpers import clear_cache

    clear_cache()
    assert "<dt>威望</dt>" not in client.get(f"/user/{member.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_wallet_lose_nothing():
    member = MemberFactory()
    kind = coin()

    def earn() -> None:
        for _ in range(10):
            services.credit_apply(changes=[services.Change(member.pk, kind.pk, 1)], operation=Operation.ADJUST)

    _done, errors = at_once(earn, 5)
    assert errors == []
    assert balance(member, kind) == 20 + 50
    assert services.credits_audit() == []


def test_rule_amounts_for_a_disabled_type_are_not_paid(board, member):
    CreditType.objects.filter(slot=1).update(enabled=False)
    config.changed()
    forum.thread_create(author=member, board=board, title="停用", source="正文", fmt="bbcode")
    assert not CreditEntry.objects.filter(member=member, credit_type__slot=1).exists()
    assert RuleAmount.objects.filter(rule__action=Operation.THREAD).exists()
