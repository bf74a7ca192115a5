"""道具: buying through the ledger, using items on one's own threads and on oneself, effects that end on
time (and leave a moderator's change alone), bad input, and the shop page."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import MemberFactory
from helpers import signed_in

from luntan.accounts.models import Member
from luntan.core import buffers
from luntan.credits import config
from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import Change, balances_of, credit_apply, credits_audit
from luntan.forum import services as forum
from luntan.forum.models import Thread
from luntan.items import services
from luntan.items.models import Effect, Inventory, Item, NameChange, Purchase, Use

pytestmark = pytest.mark.django_db


def coin() -> int:
    return config.economy().by_slot(1).id


def balance(member) -> int:
    return balances_of([member.pk])[member.pk][coin()]


def set_balance(member, amount: int) -> None:
    credit_apply(changes=[Change(member.pk, coin(), amount - balance(member))], operation=Operation.ADJUST)


def item(kind: str) -> Item:
    return Item.objects.get(kind=kind)


def quantity(member, it: Item) -> int:
    row = Inventory.objects.filter(member=member, item=it).first()
    return row.quantity if row else 0


def give(member, it: Item, n: int = 1) -> None:
    set_balance(member, it.price * n)
    services.item_buy(member=member, item_id=it.pk, quantity=n, submission_key=f"give-{it.pk}-{n}-{member.pk}")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def snapshot(thread: Thread, member) -> tuple:
    thread.refresh_from_db()
    return (thread.highlight, thread.sticky, thread.last_reply_at, Effect.objects.count(), Use.objects.count(),
            list(Inventory.objects.filter(member=member).values_list("item_id", "quantity").order_by("item_id")),
            balance(member), CreditEntry.objects.count())


def test_the_shop_has_four_items_that_act_on_the_forum():
    assert set(Item.objects.values_list("kind", flat=True)) == {"highlight", "sticky", "bump", "rename"}
    assert item("sticky").hours == 6 and item("highlight").hours == 24
    assert "items" in buffers.flushers()


# --- Buying ------------------------------------------------------------------------------------------------

def test_buying_pays_and_fills_the_inventory_once_per_form(member):
    card = item("highlight")
    set_balance(member, card.price * 3 + 1)
    bought = services.item_buy(member=member, item_id=card.pk, quantity=3, submission_key="k")
    assert (bought.quantity, bought.paid) == (3, card.price * 3)
    assert quantity(member, card) == 3 and balance(member) == 1
    entry = CreditEntry.objects.filter(member=member).latest("id")
    assert (entry.operation, entry.delta, entry.subject_kind) == (Operation.ITEM, -card.price * 3, "item")
    assert services.item_buy(member=member, item_id=card.pk, quantity=3, submission_key="k").pk == bought.pk
    assert quantity(member, card) == 3 and balance(member) == 1
    assert credits_audit() == []


@pytest.mark.parametrize("case", ["poor", "zero", "negative", "huge", "unknown", "disabled", "sold_out", "daily",
                                  "no_key", "not_int"])
def test_a_refused_purchase_changes_nothing(member, case):
    card = item("bump")
    set_balance(member, card.price * 5 if case != "poor" else card.price - 1)
    args = {"item_id": card.pk, "quantity": 1, "submission_key": "x"}
    if case == "zero":
        args["quantity"] = 0
    elif case == "negative":
        args["quantity"] = -2
    elif case == "huge":
        args["quantity"] = 10**12
    elif case == "unknown":
        args["item_id"] = 424242
    elif case == "not_int":
        args["item_id"] = "1"
    elif case == "disabled":
        Item.objects.filter(pk=card.pk).update(enabled=False)
    elif case == "sold_out":
        Item.objects.filter(pk=card.pk).update(stock=0)
    elif case == "daily":
        Item.objects.filter(pk=card.pk).update(daily_limit=2)
        services.item_buy(member=member, item_id=card.pk, quantity=2, submission_key="earlier")
        args["quantity"] = 1
    elif case == "no_key":
        args["submission_key"] = ""
    before = (balance(member), CreditEntry.objects.count(), quantity(member, card), Purchase.objects.count(),
              Item.objects.get(pk=card.pk).stock)
    with pytest.raises(ValidationError):
        services.item_buy(member=member, **args)
    assert (balance(member), CreditEntry.objects.count(), quantity(member, card), Purchase.objects.count(),
            Item.objects.get(pk=card.pk).stock) == before


def test_stock_goes_down_with_each_purchase(member):
    card = item("bump")
    Item.objects.filter(pk=card.pk).update(stock=3)
    set_balance(member, card.price * 3)
    services.item_buy(member=member, item_id=card.pk, quantity=2, submission_key="a")
    assert Item.objects.get(pk=card.pk).stock == 1


@pytest.mark.django_db(transaction=True)
def test_two_purchases_racing_for_the_last_coins_cannot_both_succeed():
    buyer = MemberFactory()
    card = Item.objects.get(kind="sticky")
    set_balance(buyer, card.price)
    results: list[object] = []
    barrier = threading.Barrier(2)

    def buy(key: str) -> None:
        try:
            barrier.wait()
            results.append(services.item_buy(member=buyer, item_id=card.pk, quantity=1, submission_key=key))
        except ValidationError as error:
            results.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=buy, args=(k,)) for k in ("one", "two")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(results) == 2 and len([r for r in results if isinstance(r, Purchase)]) == 1, results
    assert balance(buyer) == 0 and quantity(buyer, card) == 1
    assert credits_audit() == []


# --- Using on a thread ---------------------------------------------------------------------------------------

def test_a_highlight_card_colours_my_thread_until_it_ends(member, thread):
    card = item("highlight")
    give(member, card, 2)
    now = timezone.now()
    used = services.item_use(member=member, item_id=card.pk, thread_id=thread.pk, colour="green",
                             submission_key="u1", now=now)
    thread.refresh_from_db()
    assert thread.highlight == "green" and quantity(member, card) == 1
    assert used.effect.ends_at == now + timedelta(hours=24)
    # The same form again: nothing more is used.
    assert services.item_use(member=member, item_id=card.pk, thread_id=thread.pk, colour="green",
                             submission_key="u1", now=now).replayed
    assert quantity(member, card) == 1
    assert services.items_expire(now + timedelta(hours=23, minutes=59)) == 0
    thread.refresh_from_db()
    assert thread.highlight == "green"
    assert services.items_expire(now + timedelta(hours=24)) == 1
    thread.refresh_from_db()
    assert thread.highlight == "" and not Effect.objects.get().active
    assert services.items_expire(now + timedelta(hours=48)) == 0


def test_the_colour_from_before_comes_back(member, thread, moderator):
    forum.thread_update(member=moderator, thread=thread, highlight="blue")
    give(member, item("highlight"))
    now = timezone.now()
    services.item_use(member=member, item_id=item("highlight").pk, thread_id=thread.pk, colour="red",
                      submission_key="u", now=now)
    services.items_expire(now + timedelta(days=2))
    thread.refresh_from_db()
    assert thread.highlight == "blue"


def test_a_sticky_card_sticks_for_six_hours_and_a_moderators_change_stays(member, make_thread, moderator):
    card = item("sticky")
    give(member, card, 2)
    first, second = make_thread(), make_thread(title="第二帖")
    now = timezone.now()
    services.item_use(member=member, item_id=card.pk, thread_id=first.pk, submission_key="a", now=now)
    services.item_use(member=member, item_id=card.pk, thread_id=second.pk, submission_key="b", now=now)
    assert set(Thread.objects.values_list("sticky", flat=True)) == {1}
    forum.thread_update(member=moderator, thread=second, sticky=2)  # the moderator decides meanwhile
    assert services.items_expire(now + timedelta(hours=5, minutes=59)) == 0
    assert services.items_expire(now + timedelta(hours=6)) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sticky, second.sticky) == (0, 2)


def test_a_bump_card_moves_my_thread_to_the_top_of_its_board(member, make_thread, other_member, board):
    mine = make_thread(title="我的旧帖")
    forum.thread_create(author=other_member, board=board, title="别人的新帖", source="内容", fmt="bbcode")
    card = item("bump")
    give(member, card)
    services.item_use(member=member, item_id=card.pk, thread_id=mine.pk, submission_key="b")
    html = Client().get(f"/board/{board.pk}/").content.decode()
    assert html.index("我的旧帖") < html.index("别人的新帖")
    assert Effect.objects.count() == 0 and quantity(member, card) == 0


@pytest.mark.parametrize("case", ["not_mine", "deleted", "running", "none_left", "missing", "no_thread",
                                  "bad_colour", "already_sticky"])
def test_a_refused_use_changes_nothing(member, other_member, make_thread, moderator, case):
    kind = "sticky" if case == "already_sticky" else "highlight"
    card = item(kind)
    target = make_thread(by=other_member) if case == "not_mine" else make_thread()
    if case != "none_left":
        give(member, card, 2)
    args = {"item_id": card.pk, "thread_id": target.pk, "colour": "red", "submission_key": "refused"}
    if case == "deleted":
        forum.thread_delete(member=moderator, thread=target)
    elif case == "running":
        services.item_use(member=member, item_id=card.pk, thread_id=target.pk, submission_key="first")
    elif case == "missing":
        args["thread_id"] = 987654
    elif case == "no_thread":
        args["thread_id"] = None
    elif case == "bad_colour":
        args["colour"] = "pink"
    elif case == "already_sticky":
        forum.thread_update(member=moderator, thread=target, sticky=1)
    before = snapshot(target, member)
    with pytest.raises(ValidationError) as refusal:
        services.item_use(member=member, **args)
    assert refusal.value.messages
    assert snapshot(target, member) == before


# --- Using on oneself ----------------------------------------------------------------------------------------

def test_a_rename_card_renames_me_and_keeps_the_old_name(member):
    card = item("rename")
    give(member, card)
    old = member.username
    stamp = Member.objects.get(pk=member.pk).card_stamp
    services.item_use(member=member, item_id=card.pk, new_name="新名字很好", submission_key="r")
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.username == "新名字很好" and fresh.card_stamp > stamp
    assert NameChange.objects.filter(member=member, old_name=old, new_name="新名字很好").exists()
    assert quantity(member, card) == 0


@pytest.mark.parametrize("name", ["taken", "lookalike", "", "x", "我"])
def test_a_name_that_is_not_allowed_is_refused_and_the_card_kept(member, other_member, name):
    card = item("rename")
    give(member, card)
    wanted = {"taken": other_member.username, "lookalike": other_member.username.upper() + "\u200b"}.get(name, name)
    before = Member.objects.get(pk=member.pk).username
    with pytest.raises(ValidationError):
        services.item_use(member=member, item_id=card.pk, new_name=wanted, submission_key="r")
    assert Member.objects.get(pk=member.pk).username == before
    assert quantity(member, card) == 1 and NameChange.objects.count() == 0


def test_a_lookalike_name_is_refused(member):
    MemberFactory(username="Alice")
    card = item("rename")
    give(member, card)
    with pytest.raises(ValidationError):
        services.item_use(member=member, item_id=card.pk, new_name="Аlice", submission_key="r")  # Cyrillic А
    assert quantity(member, card) == 1


# --- Pages -----------------------------------------------------------------------------------------------------

def test_the_shop_page_for_a_guest_and_a_member(member, thread):
    give(member, item("highlight"))
    services.item_use(member=member, item_id=item("highlight").pk, thread_id=thread.pk, submission_key="x")
    give(member, item("sticky"))
    guest = english(Client()).get("/services/items/")
    assert guest.status_code == 200
    text = guest.content.decode()
    assert "醒目卡" in text and "置顶卡" in text and "提升卡" in text and "改名卡" in text and "Log in" in text
    page = english(signed_in(member)).get("/services/items/").content.decode()
    assert "My items" in page and 'name="thread"' in page and thread.title in page
    assert "Working now" in page and "/services/medals/" in page


def test_the_shop_page_costs_the_same_with_more_items_and_threads(member, make_thread):
    client = signed_in(member)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/services/items/").status_code == 200
        return len(ctx.captured_queries)

    give(member, item("bump"))
    make_thread()
    count()
    one = count()
    for kind in ("highlight", "sticky", "rename"):
        give(member, item(kind))
    for i in range(5):
        t = make_thread(title=f"帖子{i}")
    services.item_use(member=member, item_id=item("highlight").pk, thread_id=t.pk, submission_key="h")
    services.item_use(member=member, item_id=item("sticky").pk, thread_id=t.pk, submission_key="s")
    assert count() == one


def test_buying_and_using_from_the_page(member, thread):
    card = item("highlight")
    set_balance(member, card.price)
    client = english(signed_in(member))
    response = client.post("/services/items/buy/", {"item": card.pk, "quantity": "1", "submission_key": "p1"})
    assert response.status_code == 302 and quantity(member, card) == 1
    response = client.post("/services/items/use/", {"item": card.pk, "thread": thread.pk, "colour": "purple",
                                                     "submission_key": "p2"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.highlight == "purple"
    assert "works on your thread until" in client.get("/services/items/").content.decode()


@pytest.mark.parametrize("data, words", [
    ({"item": "abc", "quantity": "1"}, "no such item"),
    ({"item": "1", "quantity": "abc"}, "whole number"),
    ({"item": "1", "quantity": "-5"}, "greater than or equal to 1"),
    ({"item": "1", "quantity": "100000000000000000000"}, "less than or equal to 99"),
    ({"item": "99999999999999", "quantity": "1"}, "no such item"),
    ({}, "no such item"),
])
def test_bad_purchase_input_is_a_message(member, data, words):
    set_balance(member, 10_000)
    response = english(signed_in(member)).post("/services/items/buy/", {**data, "submission_key": "q"})
    assert response.status_code == 400 and words in response.content.decode()
    assert balance(member) == 10_000 and Purchase.objects.count() == 0


def test_using_on_someone_elses_thread_from_the_page_is_a_message(member, other_member, make_thread):
    theirs = make_thread(by=other_member)
    card = item("sticky")
    give(member, card)
    response = english(signed_in(member)).post("/services/items/use/", {
        "item": card.pk, "thread": theirs.pk, "submission_key": "z"})
    assert response.status_code == 400 and "your own threads" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.sticky == 0 and quantity(member, card) == 1


@pytest.mark.parametrize("data", [{"item": "x"}, {"item": "1", "thread": "abc"}, {"item": "1", "thread": "-1"},
                                  {"item": "1", "colour": "<b>"}])
def test_bad_use_input_is_a_message(member, data):
    response = english(signed_in(member)).post("/services/items/use/", data)
    assert response.status_code == 400 and b"flash error" in response.content


def test_a_guest_or_a_get_buys_and_uses_nothing(member, thread):
    card = item("highlight")
    for path in ("/services/items/buy/", "/services/items/use/"):
        response = Client().post(path, {"item": card.pk, "quantity": 1, "thread": thread.pk})
        assert response.status_code == 302 and "/login/" in response["Location"]
        response = signed_in(member).get(f"{path}?item={card.pk}&quantity=1&thread={thread.pk}")
        assert response.status_code == 302
    assert Purchase.objects.count() == 0 and Use.objects.count() == 0
