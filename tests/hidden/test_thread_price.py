"""A thread price (主题售价): the opening post is sold whole. Readers who have not bought it see its title, price
and buyers and a way to buy; the author, the board's moderators and its buyers read it; and no other page (a
kept page, the shared cache, a feed, a quote, search, a report's excerpt, the lists, a notice, the edit page)
carries its text to anyone else."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from factories import MemberFactory, MemberGroupFactory
from helpers import at_once, clear_cache, page_queries, signed_in

from luntan.accounts.models import MemberGroup
from luntan.core import localcache
from luntan.core.pagecache import bump_now
from luntan.credits.models import CreditEntry, CreditType, Operation
from luntan.forum import services as forum_services
from luntan.forum.models import Floor, Thread
from luntan.hidden import services
from luntan.hidden.models import FloorPart, Purchase
from luntan.markup.conditions import WHOLE, WHOLE_MARKER
from luntan.notices import services as notices
from luntan.notices.models import Notice

from .conftest import SECRET, assert_kept_nowhere

pytestmark = pytest.mark.django_db

TITLE = "二手显卡验机全流程"
SECOND = "第二段也是付费的说明文字"
SOURCE = f"{SECRET}\n{SECOND}"
LOCKED = "本主题需向作者支付"


def _may_sell(member, most: int = 50) -> None:
    MemberGroup.objects.filter(pk=member.group_id).update(max_thread_price=most)
    bump_now("groups")


@pytest.fixture
def priced(board, member):
    """priced(price=20): a thread of `member` (whose group may ask up to 50) with SOURCE as its priced floor 1."""
    _may_sell(member)

    def make(price: int = 20, *, source: str = SOURCE, title: str = TITLE):
        return forum_services.thread_create(author=member, board=board, title=title, source=source, fmt="bbcode",
                                            price=price)

    return make


@pytest.fixture
def readers(member, other_member, moderator):
    return {"author": signed_in(member), "stranger": signed_in(other_member), "moderator": signed_in(moderator),
            "guest": Client()}


def page(client, floor) -> str:
    response = client.get(f"/thread/{floor.thread_id}/")
    assert response.status_code == 200
    return response.content.decode()


# --- Writing -------------------------------------------------------------------------------------------------------

def test_a_priced_thread_keeps_its_whole_text_apart(priced):
    floor = priced(20)
    assert Thread.objects.get(pk=floor.thread_id).price == 20
    floor.refresh_from_db()
    assert floor.html == WHOLE_MARKER and SECRET not in floor.html
    part = FloorPart.objects.get(floor=floor)
    assert (part.number, part.kind, part.amount) == (WHOLE, "sell", 20)
    assert SECRET in part.html and SECOND in part.html


def test_a_free_thread_is_as_before(board, member):
    floor = forum_services.thread_create(author=member, board=board, title=TITLE, source=SOURCE, fmt="bbcode", price=0)
    assert SECRET in floor.html and not FloorPart.objects.exists() and floor.thread.price == 0


@pytest.mark.parametrize(("most", "price", "code"), [(0, 5, "price_not_allowed"), (10, 11, "price_high")])
def test_a_price_above_the_groups_maximum_is_refused_and_writes_nothing(board, member, most, price, code):
    _may_sell(member, most)
    threads, floors = Thread.objects.count(), Floor.objects.count()
    with pytest.raises(ValidationError) as refused:
        forum_services.thread_create(author=member, board=board, title=TITLE, source=SOURCE, fmt="bbcode", price=price)
    assert refused.value.code == code
    assert (Thread.objects.count(), Floor.objects.count(), FloorPart.objects.count()) == (threads, floors, 0)


def test_the_groups_maximum_itself_is_allowed(priced):
    assert priced(50).thread.price == 50


def test_a_priced_post_may_not_hide_parts_of_its_own(priced):
    with pytest.raises(ValidationError) as refused:
        priced(5, source=f"开头[hide]{SECRET}[/hide]")
    assert refused.value.code == "price_parts"
    assert not Thread.objects.exists()


def test_nothing_is_sold_on_a_site_without_a_trade_currency(priced):
    from luntan.credits import config

    CreditType.objects.filter(slot=settings.LUNTAN["SELL_CREDIT_SLOT"]).update(enabled=False)
    config.changed()
    bump_now("economy")
    with pytest.raises(ValidationError) as refused:
        priced(5)
    assert refused.value.code == "sell_off"


def test_the_author_changes_the_price_and_the_buyers_keep_it(priced, member, other_member, give, balance):
    floor = priced(20)
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE)
    forum_services.floor_edit(editor=member, floor=floor, source=SOURCE + "\n补充", fmt="bbcode", title=TITLE,
                              price=30)
    assert Thread.objects.get(pk=floor.thread_id).price == 30
    part = FloorPart.objects.get(floor=floor)
    assert (part.amount, part.buyer_count) == (30, 1) and "补充" in part.html
    assert SECRET in page(signed_in(other_member), floor)  # bought at 20, still open at 30
    late = MemberFactory()
    give(late, 100)
    services.part_buy(buyer=late, floor_id=floor.pk, number=WHOLE)
    assert balance(late) == CreditType.objects.get(slot=1).initial + 100 - 30


def test_a_thread_made_free_is_public_and_priced_again_keeps_its_buyers(priced, member, other_member, give):
    floor = priced(20)
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE)
    free = forum_services.floor_edit(editor=member, floor=floor, source=SOURCE, fmt="bbcode", price=0)
    assert SECRET in free.html and not FloorPart.objects.exists() and free.thread.price == 0
    assert SECRET in page(Client(), floor)
    again = forum_services.floor_edit(editor=member, floor=free, source=SOURCE, fmt="bbcode", price=10)
    assert again.html == WHOLE_MARKER and FloorPart.objects.get(floor=floor).buyer_count == 1
    assert SECRET in page(signed_in(other_member), floor) and SECRET not in page(Client(), floor)


def test_an_edit_without_a_price_keeps_the_thread_sold(priced, moderator):
    floor = priced(20)
    edited = forum_services.floor_edit(editor=moderator, floor=floor, source=SOURCE + "（版主修正错别字）",
                                       fmt="bbcode", reason="错别字")
    assert edited.html == WHOLE_MARKER and edited.thread.price == 20
    assert "版主修正错别字" in FloorPart.objects.get(floor=floor).html


def test_recooking_keeps_a_priced_post_sold(priced):
    floor = priced(20)
    forum_services.floors_recook()
    floor.refresh_from_db()
    assert floor.html == WHOLE_MARKER and SECRET in FloorPart.objects.get(floor=floor).html


def test_a_reply_in_a_priced_thread_is_free(priced, other_member):
    floor = priced(20)
    reply = forum_services.post_reply(author=other_member, thread=floor.thread, source="回复是免费的", fmt="bbcode")
    assert "回复是免费的" in page(Client(), floor) and "回复是免费的" in reply.html


# --- Buying --------------------------------------------------------------------------------------------------------

def test_buying_pays_the_author_the_price_less_the_tax(priced, member, other_member, give, balance):
    from luntan.credits import config
    from luntan.credits.services import transfer_tax

    floor = priced(20)
    give(other_member, 100)
    buyer_before, author_before = balance(other_member), balance(member)
    purchase, made = services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE)
    assert made and purchase.price == 20
    tax = transfer_tax(20, config.economy())
    assert (balance(other_member), balance(member)) == (buyer_before - 20, author_before + 20 - tax)
    assert FloorPart.objects.get(floor=floor).buyer_count == 1


def test_a_changed_price_is_not_charged_without_a_new_confirmation(priced, member, other_member, give, balance):
    floor = priced(20)
    give(other_member, 100)
    before = balance(other_member)
    forum_services.floor_edit(editor=member, floor=floor, source=SOURCE, fmt="bbcode", price=40)
    with pytest.raises(ValidationError) as refused:
        services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE, expected_price=20)
    assert refused.value.code == "price_changed"
    assert balance(other_member) == before and not Purchase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_buys_at_once_charge_once(board, coin):
    seller_group = MemberGroupFactory(max_thread_price=50)
    author, buyer = MemberFactory(group=seller_group), MemberFactory()
    floor = forum_services.thread_create(author=author, board=board, title="并发购买主题", source="全部付费",
                                         fmt="bbcode", price=30)
    from luntan.credits.services import Change, credit_apply

    credit_apply(changes=[Change(buyer.pk, coin.pk, 500)], operation=Operation.ADJUST)
    made, errors = at_once(
        lambda: services.part_buy(buyer=buyer, floor_id=floor.pk, number=WHOLE, expected_price=30)[1], 2)
    assert errors == []
    assert sorted(made) == [False, True]
    assert Purchase.objects.filter(buyer=buyer).count() == 1
    paid = CreditEntry.objects.filter(member=buyer, operation=Operation.CONTENT_BUY)
    assert list(paid.values_list("delta", flat=True)) == [-30]
    assert FloorPart.objects.get(floor=floor).buyer_count == 1


# --- The thread page -----------------------------------------------------------------------------------------------

def test_only_the_author_moderators_and_buyers_read_it(priced, readers, other_member, give):
    floor = priced(20)
    for role in ("author", "moderator", "stranger", "guest"):  # the author's page is kept first
        text = page(readers[role], floor)
        assert TITLE in text and "20" in text
        if role in ("author", "moderator"):
            assert SECRET in text and SECOND in text and LOCKED not in text
        else:
            assert SECRET not in text and SECOND not in text and LOCKED in text
            assert "0 人购买" in text
    stranger = page(readers["stranger"], floor)
    assert f'href="/floor/{floor.pk}/buy-thread/"' in stranger and "购买主题" in stranger
    guest = page(readers["guest"], floor)
    assert "buy-thread" not in guest and "/login/" in guest
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE)
    bought = page(readers["stranger"], floor)
    assert SECRET in bought and "你已购买" in bought and "1 人购买" in bought
    assert SECRET not in page(readers["guest"], floor)
    assert SECRET not in page(signed_in(MemberFactory()), floor)  # another member who did not buy


def test_no_kept_copy_or_shared_cache_holds_the_text(priced, readers):
    floor = priced(20)
    for role in ("author", "moderator", "stranger", "guest", "author"):
        page(readers[role], floor)
    assert_kept_nowhere(SECRET)
    assert SECRET not in page(readers["guest"], floor)


def test_a_guests_priced_thread_page_costs_no_more_queries_than_a_free_one(board, member, monkeypatch):
    monkeypatch.setattr("luntan.core.pagecache.time_bucket", lambda name: 0)
    _may_sell(member)
    free = forum_services.thread_create(author=member, board=board, title="免费", source=SOURCE, fmt="bbcode")
    sold = forum_services.thread_create(author=member, board=board, title="收费", source=SOURCE, fmt="bbcode",
                                        price=5)
    guest = Client()
    urls = [f"/thread/{f.thread_id}/" for f in (free, sold)]
    for u in urls:
        guest.get(u)  # kept
    warm = [page_queries(guest, u, cold=False) for u in urls]
    assert warm[0] == warm[1], warm


# --- Buying on the site --------------------------------------------------------------------------------------------

def buy_url(floor) -> str:
    return f"/floor/{floor.pk}/buy-thread/"


def test_the_confirmation_shows_the_price_and_balance_and_buys_on_post(priced, readers, other_member, give, balance):
    floor = priced(20)
    give(other_member, 100)
    before = balance(other_member)
    confirm = readers["stranger"].get(buy_url(floor))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert f"{before} " in text and f"{before - 20} " in text and 'name="price" value="20"' in text
    assert SECRET not in text and not Purchase.objects.exists()  # a GET buys nothing
    response = readers["stranger"].post(buy_url(floor), {"price": "20"})
    assert response.status_code == 302 and response.url.startswith(f"/thread/{floor.thread_id}/")
    assert balance(other_member) == before - 20
    assert SECRET in page(readers["stranger"], floor)
    readers["stranger"].post(buy_url(floor), {"price": "20"})  # a second click charges nothing
    assert balance(other_member) == before - 20 and Purchase.objects.count() == 1


def test_a_poor_reader_is_told_and_pays_nothing(priced, readers, other_member, balance):
    floor = priced(50)
    before = balance(other_member)
    assert before < 50
    confirm = readers["stranger"].get(buy_url(floor)).content.decode()
    assert "不够" in confirm and 'name="price"' not in confirm
    response = readers["stranger"].post(buy_url(floor), {"price": "50"})
    assert response.status_code == 400
    assert "财富" in response.content.decode() and SECRET not in response.content.decode()
    assert balance(other_member) == before and not Purchase.objects.exists()


def test_a_price_changed_meanwhile_is_shown_again_not_charged(priced, member, readers, other_member, give, balance):
    floor = priced(20)
    give(other_member, 100)
    before = balance(other_member)
    forum_services.floor_edit(editor=member, floor=floor, source=SOURCE, fmt="bbcode", price=30)
    response = readers["stranger"].post(buy_url(floor), {"price": "20"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "30" in text and 'name="price" value="30"' in text
    assert balance(other_member) == before and not Purchase.objects.exists()


@pytest.mark.parametrize("sent", ["", "abc", "-20", "2０", "9" * 5000])
def test_a_missing_or_garbled_price_buys_nothing(priced, readers, other_member, give, balance, sent):
    floor = priced(20)
    give(other_member, 100)
    before = balance(other_member)
    response = readers["stranger"].post(buy_url(floor), {"price": sent})
    assert response.status_code == 400 and "请重新确认" in response.content.decode()
    assert balance(other_member) == before and not Purchase.objects.exists()


def test_a_guest_is_sent_to_log_in_and_the_author_need_not_buy(priced, readers, balance, member):
    floor = priced(20)
    response = readers["guest"].post(buy_url(floor), {"price": "20"})
    assert response.status_code == 302 and "/login/" in response.url
    before = balance(member)
    response = readers["author"].post(buy_url(floor), {"price": "20"})
    assert response.status_code == 400 and balance(member) == before
    assert not Purchase.objects.exists()


def test_the_inline_buy_address_does_not_sell_a_thread(priced, readers, other_member, give):
    floor = priced(20)
    give(other_member, 100)
    assert readers["stranger"].post(f"/floor/{floor.pk}/part/{WHOLE}/buy/").status_code == 404
    assert not Purchase.objects.exists()


def test_a_free_thread_has_nothing_to_buy(thread, readers):
    floor = thread.floors.get(number=1)
    assert readers["stranger"].get(buy_url(floor)).status_code == 404


def test_the_buyers_are_listed(priced, readers, other_member, give):
    floor = priced(20)
    give(other_member, 100)
    services.part_buy(buyer=other_member, floor_id=floor.pk, number=WHOLE)
    response = readers["guest"].get(f"/floor/{floor.pk}/part/{WHOLE}/buyers/")
    assert response.status_code == 200
    assert other_member.username in response.content.decode() and SECRET not in response.content.decode()


# --- The forms -----------------------------------------------------------------------------------------------------

def test_a_member_whose_group_may_sell_sets_a_price(board, member, member_client):
    _may_sell(member, 30)
    form = member_client.get(f"/thread/new/?board={board.pk}").content.decode()
    assert 'name="price"' in form and "30" in form
    response = member_client.post(f"/thread/new/?board={board.pk}", {
        "title": TITLE, "source": SOURCE, "format": "bbcode", "price": "12", "submission_key": "p" * 16})
    assert response.status_code == 302
    assert Thread.objects.get(title=TITLE).price == 12


def test_a_price_too_high_keeps_what_was_typed(board, member, member_client):
    _may_sell(member, 30)
    response = member_client.post(f"/thread/new/?board={board.pk}", {
        "title": TITLE, "source": SOURCE, "format": "bbcode", "price": "31", "submission_key": "q" * 16})
    assert response.status_code == 400
    text = response.content.decode()
    assert "30" in text and SECRET in text and TITLE in text and 'value="31"' in text
    assert not Thread.objects.exists()


def test_a_group_that_may_not_sell_is_offered_no_price(board, member, member_client):
    _may_sell(member, 0)
    assert 'name="price"' not in member_client.get(f"/thread/new/?board={board.pk}").content.decode()
    member_client.post(f"/thread/new/?board={board.pk}", {
        "title": TITLE, "source": SOURCE, "format": "bbcode", "price": "5", "submission_key": "r" * 16})
    assert Thread.objects.get(title=TITLE).price == 0  # a price sent anyway is not a field of the form


def test_the_author_changes_the_price_on_the_edit_page(priced, readers, member):
    floor = priced(20)
    edit = readers["author"].get(f"/floor/{floor.pk}/edit/").content.decode()
    assert 'name="price"' in edit and 'value="20"' in edit
    response = readers["author"].post(f"/floor/{floor.pk}/edit/", {
        "title": TITLE, "source": SOURCE, "format": "bbcode", "price": "8"})
    assert response.status_code == 302
    assert Thread.objects.get(pk=floor.thread_id).price == 8 and FloorPart.objects.get(floor=floor).amount == 8


# --- Every other path ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["guest", "stranger"])
@pytest.mark.parametrize("address", ["/latest/", "/latest/feed/", "/digest/", "/digest/feed/", "/board/{board}/feed/",
                                     "/board/{board}/", "/"])
def test_lists_and_feeds_show_the_price_and_never_the_text(priced, readers, board, address, role):
    floor = priced(20)
    Thread.objects.filter(pk=floor.thread_id).update(digest=1)
    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    response = readers[role].get(address.format(board=board.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert SECRET not in text and SECOND not in text
    if address in ("/latest/", "/digest/", "/board/{board}/"):
        assert "[售价 20 " in text


def test_the_feed_says_there_is_paid_content(priced, readers):
    priced(20)
    text = readers["guest"].get("/latest/feed/").content.decode()
    assert TITLE in text and "cpart-locked" in text and SECRET not in text


@pytest.mark.parametrize("role", ["stranger", "author", "moderator"])
def test_a_quote_of_the_first_post_carries_none_of_it(priced, readers, role):
    floor = priced(20)
    response = readers[role].get(f"/thread/{floor.thread_id}/reply/?quote={floor.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "[quote=" in text and SECRET not in text and SECOND not in text


@pytest.mark.parametrize("role", ["guest", "stranger"])
def test_search_finds_the_title_and_not_the_text(priced, readers, role):
    priced(20)
    by_title = readers[role].get("/search/", {"q": "显卡"}).content.decode()
    assert "验机全流程" in by_title and SECRET not in by_title and SECOND not in by_title  # the title, "显卡" marked
    assert TITLE not in readers[role].get("/search/", {"q": SECRET}).content.decode()


def test_the_like_search_backend_neither_matches_nor_shows_the_text(priced):
    from luntan.search.api import Filters, Scope
    from luntan.search.backends.like import LikeBackend

    floor = priced(20)
    scope = Scope(board_ids=frozenset({floor.thread.board_id}), filters=Filters())
    hits, total = LikeBackend().search(SECRET, scope, sort="new", offset=0, limit=10)
    assert total == 0
    hits, total = LikeBackend().search("显卡", scope, sort="new", offset=0, limit=10)
    assert total == 1 and SECRET not in str(hits[0].snippet)


def test_the_report_excerpt_leaves_the_text_out(priced, other_member, moderator):
    from luntan.reports.queries import FloorReports

    floor = priced(20)
    floor.refresh_from_db()
    assert SECRET not in FloorReports(floor=floor, reports=[], first_at=None).excerpt


def test_the_edit_page_and_its_history_stay_with_the_author(priced, readers, member):
    floor = priced(20)
    forum_services.floor_edit(editor=member, floor=floor, source="改过的付费正文", fmt="bbcode")
    assert floor.revisions.get().source == SOURCE  # the old text is kept, for the administrators only
    for role in ("stranger", "guest"):
        response = readers[role].get(f"/floor/{floor.pk}/edit/")
        assert response.status_code in (302, 403)
        assert SECRET not in response.content.decode() and "改过的付费正文" not in response.content.decode()
    assert SECRET not in page(readers["stranger"], floor) and "改过的付费正文" not in page(readers["stranger"], floor)


def test_a_priced_post_mentions_nobody_and_notices_carry_no_text(board, member, other_member):
    _may_sell(member)
    follower = MemberFactory()
    notices.member_follow(member=follower, followed_id=member.pk)
    forum_services.thread_create(author=member, board=board, title=TITLE, fmt="bbcode", price=5,
                                 source=f"@{other_member.username} {SECRET}")
    assert not Notice.objects.filter(member=other_member).exists()  # the paid text names nobody
    told = Notice.objects.get(member=follower)
    assert TITLE in told.text and SECRET not in told.text
    listed = signed_in(follower).get("/notifications/").content.decode()
    assert TITLE in listed and SECRET not in listed

