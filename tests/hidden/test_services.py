"""Keeping a floor's parts and buying a paid one: the money moves once, through the ledger, or not at all."""

import pytest
from django.core.exceptions import ValidationError
from factories import MemberFactory
from helpers import at_once

from luntan.credits.models import CreditEntry, Operation
from luntan.forum import services as forum_services
from luntan.forum.models import Floor, Thread
from luntan.hidden import rules, services
from luntan.hidden.models import FloorPart, Purchase

from .conftest import SECRET


def test_parts_are_kept_apart_from_the_floor(hidden_thread):
    floor = hidden_thread("sell=12")
    floor.refresh_from_db()
    assert SECRET not in floor.html
    [part] = FloorPart.objects.filter(floor=floor)
    assert (part.number, part.kind, part.amount) == (1, "sell", 12)
    assert SECRET in part.html


def test_a_reply_keeps_its_parts_too(thread, other_member):
    floor = forum_services.post_reply(author=other_member, thread=thread, source=f"[hide=5]{SECRET}[/hide]",
                                      fmt="markdown")
    assert FloorPart.objects.get(floor=floor).kind == "credits"
    assert SECRET not in Floor.objects.get(pk=floor.pk).html


def test_an_edit_rewrites_the_parts_and_keeps_the_buyers(hidden_thread, member, other_member, give):
    floor = hidden_thread("sell=10")
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    forum_services.floor_edit(editor=member, floor=floor, source="[sell=20]新的内容[/sell]", fmt="bbcode")
    part = FloorPart.objects.get(floor=floor)
    assert (part.amount, part.buyer_count) == (20, 1)
    assert "新的内容" in part.html and SECRET not in part.html
    forum_services.floor_edit(editor=member, floor=floor, source="什么都不藏了", fmt="bbcode")
    assert not FloorPart.objects.filter(floor=floor).exists()
    assert Purchase.objects.filter(floor=floor, buyer=other_member).exists()


def test_a_price_above_the_maximum_is_refused_and_writes_nothing(board, member, settings):
    settings.LUNTAN = {**settings.LUNTAN, "SELL_MAX_PRICE": 50}
    threads = Thread.objects.count()
    with pytest.raises(ValidationError) as error:
        forum_services.thread_create(author=member, board=board, title="太贵了", source="[sell=51]x[/sell]",
                                     fmt="bbcode")
    assert error.value.code == "sell_price"
    assert Thread.objects.count() == threads
    assert not FloorPart.objects.exists()


def test_buying_pays_the_author_the_price_less_the_tax(hidden_thread, member, other_member, give, balance):
    floor = hidden_thread("sell=20")
    give(other_member, 100)
    buyer_before, author_before = balance(other_member), balance(member)
    purchase, made = services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    assert made
    tax = -(-20 * rules.tax_percent() // 100)
    assert tax > 0  # the default economy taxes 5 %
    assert balance(other_member) == buyer_before - 20
    assert balance(member) == author_before + 20 - tax
    assert (purchase.price, purchase.tax) == (20, tax)
    assert FloorPart.objects.get(floor=floor).buyer_count == 1
    ops = set(CreditEntry.objects.filter(subject_kind="floor", subject_id=floor.pk).values_list("operation", "delta"))
    assert ops == {(Operation.CONTENT_BUY, -20), (Operation.CONTENT_SALE, 20 - tax)}


def test_buying_twice_charges_once(hidden_thread, other_member, give, balance):
    floor = hidden_thread("sell=20")
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    after_first = balance(other_member)
    entries = CreditEntry.objects.count()
    purchase, made = services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    assert not made
    assert balance(other_member) == after_first
    assert CreditEntry.objects.count() == entries
    assert Purchase.objects.filter(buyer=other_member).count() == 1


def test_a_buyer_without_enough_coins_pays_nothing_and_gets_nothing(hidden_thread, member, other_member, balance,
                                                                     coin):
    floor = hidden_thread("sell=1000")
    before = (balance(other_member), balance(member), CreditEntry.objects.count())
    with pytest.raises(ValidationError):
        services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    assert (balance(other_member), balance(member), CreditEntry.objects.count()) == before
    assert not Purchase.objects.exists()
    assert FloorPart.objects.get(floor=floor).buyer_count == 0


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_the_author_and_moderators_need_not_buy(hidden_thread, member, moderator, who):
    floor = hidden_thread("sell=5")
    with pytest.raises(ValidationError) as error:
        services.part_buy(buyer=member if who == "author" else moderator, floor_id=floor.pk, number=1)
    assert error.value.code == "free"
    assert not Purchase.objects.exists()


def test_a_part_that_is_not_for_sale_cannot_be_bought(hidden_thread, other_member, give):
    floor = hidden_thread("hide")
    give(other_member, 100)
    with pytest.raises(ValidationError):
        services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    with pytest.raises(ValidationError):
        services.part_buy(buyer=other_member, floor_id=floor.pk, number=7)
    assert not Purchase.objects.exists()


def test_buyers_recount_rebuilds_the_counts(hidden_thread, other_member, give):
    floor = hidden_thread("sell=5")
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    FloorPart.objects.update(buyer_count=9)
    assert services.buyers_recount() == 1
    assert FloorPart.objects.get(floor=floor).buyer_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_buys_by_one_member_charge_once(board, coin):
    author, buyer = MemberFactory(), MemberFactory()
    floor = forum_services.thread_create(author=author, board=board, title="并发购买", source="[sell=30]内容[/sell]",
                                         fmt="bbcode")
    from luntan.credits.services import Change, credit_apply

    credit_apply(changes=[Change(buyer.pk, coin.pk, 500)], operation=Operation.ADJUST)
    made, errors = at_once(lambda: services.part_buy(buyer=buyer, floor_id=floor.pk, number=1)[1], 4)
    assert errors == []
    assert sorted(made) == [False, False, False, True]
    assert Purchase.objects.filter(buyer=buyer).count() == 1
    paid = CreditEntry.objects.filter(member=buyer, operation=Operation.CONTENT_BUY)
    assert list(paid.values_list("delta", flat=True)) == [-30]
    assert FloorPart.objects.get(floor=floor).buyer_count == 1
