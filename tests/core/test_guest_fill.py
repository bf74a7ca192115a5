"""A guest without cookies gets a kept page's holes filled once per kept page and generation
(luntan.core.holes.same_for_every_guest): never stale after a write, never another visitor's form token or
message, and a small table read once per request (luntan.core.pagecache.kept_table)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from helpers import signed_in

from luntan.core import holes, pagecache
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum import services as forum_services
from luntan.hidden import page as hidden_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commits(monkeypatch):
    """After-commit work (the bumps) runs at once: these tests' requests never commit."""
    monkeypatch.setattr("luntan.core.pagecache.transaction.on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def sell_floor(board, member):
    return forum_services.thread_create(author=member, board=board, title="出售一份攻略",
                                        source="公开的开头。\n[sell=5]付费的部分[/sell]\n公开的结尾。", fmt="bbcode")


def _page(client: Client, floor) -> str:
    response = client.get(f"/thread/{floor.thread_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_cookieless_guest_gets_the_filled_holes_without_filling_them(sell_floor, monkeypatch):
    _page(Client(), sell_floor)  # rendered and kept
    first = _page(Client(), sell_floor)  # the kept page, its holes filled and kept for the next guest
    calls: list[str] = []
    real = hidden_page.box
    monkeypatch.setattr(hidden_page, "box", lambda *a, **k: calls.append("box") or real(*a, **k))
    monkeypatch.setattr(hidden_page, "kept_parts", lambda *a: calls.append("parts") or (_ for _ in ()).throw(
        AssertionError("filled again")))

    second = _page(Client(), sell_floor)
    assert calls == []
    assert second == first and "cpart-locked" in second


def test_a_purchase_shows_the_new_buyer_count_to_the_next_guest(sell_floor, other_member):
    _page(Client(), sell_floor)
    before = _page(Client(), sell_floor)
    coin = CreditType.objects.get(slot=1)
    credit_apply(changes=[Change(other_member.pk, coin.pk, 100)], operation=Operation.ADJUST)
    response = signed_in(other_member).post(f"/floor/{sell_floor.pk}/part/1/buy/")
    assert response.status_code == 302
    after = _page(Client(), sell_floor)
    with translation.override("zh-hans"):
        counts = [gettext("%(count)s buyers") % {"count": n} for n in (0, 1)]
    assert counts[0] in before and counts[1] in after


def test_a_guest_with_a_message_still_sees_it(sell_floor, member):
    _page(Client(), sell_floor)
    _page(Client(), sell_floor)  # the cookieless fill is kept
    guest = signed_in(member)
    guest.post("/logout/")  # signing out leaves a message for the next page
    with translation.override("zh-hans"):
        said = gettext("You have logged out.")
    assert said in _page(guest, sell_floor)


def test_a_form_token_is_never_handed_to_the_next_guest(rf):
    page = b"<p>a</p><!--hole:csrf:--><p>b</p>"
    parts = holes.split_holes(page)  # one kept page, as the page cache hands it to each request
    filled = []
    for _ in range(2):
        request = rf.get("/")
        request.user = AnonymousUser()
        response = holes.same_for_every_guest(holes.add_kept_parts(
            HttpResponse(page, content_type="text/html; charset=utf-8"), parts))
        filled.append(holes.HoleMiddleware(lambda req, r=response: r)(request).content)
    assert all(b"csrfmiddlewaretoken" in content for content in filled)
    assert filled[0] != filled[1]  # each visitor its own token


def test_a_small_table_is_read_again_after_a_bump():
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    pagecache.new_request()
    assert pagecache.kept_table("test-table", read) == 1
    assert pagecache.kept_table("test-table", read) == 1  # the same request: not read again
    pagecache.bump_now("test-table")
    assert pagecache.kept_table("test-table", read) == 2
