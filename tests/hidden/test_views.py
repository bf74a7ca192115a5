"""The thread page and every other page that shows a floor's text: a part with a condition reaches only the
readers who may read it, and never a kept page, a quote, a feed, a search result or an excerpt."""

import pytest
from django.conf import settings
from django.test import Client
from factories import MemberFactory
from helpers import clear_cache, page_queries, signed_in

from luntan.core import localcache
from luntan.forum import services as forum_services
from luntan.hidden.models import Purchase

from .conftest import SECRET, assert_kept_nowhere

pytestmark = pytest.mark.django_db

REPLY_NOTICE = "本帖隐藏的内容需要回复才可以浏览"


def page(client, floor) -> str:
    response = client.get(f"/thread/{floor.thread_id}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def readers(member, other_member, moderator):
    """Clients by role: the author (member), a member who did not reply, a moderator of the board, a guest."""
    return {"author": signed_in(member), "stranger": signed_in(other_member), "moderator": signed_in(moderator),
            "guest": Client()}


@pytest.mark.parametrize("tag", ["hide", "hide=500", "sell=20"])
def test_only_the_author_and_moderators_read_it_at_first(hidden_thread, readers, tag):
    floor = hidden_thread(tag)
    # The author renders (and keeps) the page first: what the others then get from the kept copy must not leak.
    for role in ("author", "moderator", "stranger", "guest"):
        text = page(readers[role], floor)
        assert "公开的开头" in text and "公开的结尾" in text
        if role in ("author", "moderator"):
            assert SECRET in text and "cpart-open" in text
        else:
            assert SECRET not in text and "cpart-locked" in text
    if tag == "hide":
        assert REPLY_NOTICE in page(readers["guest"], floor)


def test_no_kept_copy_of_the_page_holds_the_part(hidden_thread, readers, member):
    floor = hidden_thread("hide")
    for role in ("author", "moderator", "stranger", "guest", "author"):
        page(readers[role], floor)
    assert_kept_nowhere(SECRET)
    assert SECRET not in page(readers["guest"], floor)


def test_replying_opens_a_hide_part(hidden_thread, readers, other_member):
    floor = hidden_thread("hide")
    assert SECRET not in page(readers["stranger"], floor)
    response = readers["stranger"].post(f"/thread/{floor.thread_id}/reply/",
                                        {"source": "谢谢楼主分享", "format": "bbcode", "submission_key": "k" * 16})
    assert response.status_code == 302
    assert SECRET in page(readers["stranger"], floor)
    assert SECRET not in page(readers["guest"], floor)
    assert SECRET not in page(signed_in(MemberFactory()), floor)  # another member who did not reply


def test_a_deleted_reply_does_not_open_it(hidden_thread, other_member, readers):
    floor = hidden_thread("hide")
    reply = forum_services.post_reply(author=other_member, thread=floor.thread, source="顶", fmt="bbcode")
    assert SECRET in page(readers["stranger"], floor)
    forum_services.floor_delete(member=other_member, floor=reply)
    assert SECRET not in page(readers["stranger"], floor)


def test_enough_total_credits_open_a_hide_n_part(hidden_thread, readers, other_member, give):
    floor = hidden_thread("hide=500")
    text = page(readers["stranger"], floor)
    assert SECRET not in text and "500" in text
    give(other_member, 1000)
    other_member.refresh_from_db()
    assert other_member.credit_total >= 500
    assert SECRET in page(signed_in(other_member), floor)


def test_buying_opens_a_sell_part(hidden_thread, readers, other_member, give, balance, member):
    floor = hidden_thread("sell=20")
    give(other_member, 100)
    text = page(readers["stranger"], floor)
    assert SECRET not in text
    buy_url = f"/floor/{floor.pk}/part/1/buy/"
    assert f'action="{buy_url}"' in text
    before = balance(other_member)
    response = readers["stranger"].post(buy_url)
    assert response.status_code == 302 and f"/thread/{floor.thread_id}/" in response.url
    assert balance(other_member) == before - 20
    text = page(readers["stranger"], floor)
    assert SECRET in text and f'action="{buy_url}"' not in text
    # A second click charges nothing and says so.
    readers["stranger"].post(buy_url)
    assert balance(other_member) == before - 20
    assert Purchase.objects.count() == 1
    assert SECRET not in page(readers["guest"], floor)
    buyers = readers["guest"].get(f"/floor/{floor.pk}/part/1/buyers/")
    assert buyers.status_code == 200 and other_member.username in buyers.content.decode()


def test_a_guest_is_asked_to_log_in_to_buy(hidden_thread, readers):
    floor = hidden_thread("sell=20")
    text = page(readers["guest"], floor)
    assert "/login/" in text and "cpart-buy" not in text
    response = readers["guest"].post(f"/floor/{floor.pk}/part/1/buy/")
    assert response.status_code == 302 and "/login/" in response.url
    assert not Purchase.objects.exists()


def test_a_poor_buyer_gets_a_clear_refusal_and_pays_nothing(hidden_thread, readers, other_member, balance):
    floor = hidden_thread("sell=1000")
    before = balance(other_member)
    response = readers["stranger"].post(f"/floor/{floor.pk}/part/1/buy/")
    assert response.status_code == 400
    assert "财富" in response.content.decode()
    assert balance(other_member) == before and not Purchase.objects.exists()
    assert SECRET not in page(readers["stranger"], floor)


@pytest.mark.parametrize("address", ["/floor/999999/part/1/buy/", "/floor/abc/part/1/buy/", "/floor/{pk}/part/9/buy/",
                                     "/floor/{pk}/part/x/buy/"])
def test_a_bad_address_is_a_404(hidden_thread, readers, address):
    floor = hidden_thread("sell=5")
    assert readers["stranger"].post(address.format(pk=floor.pk)).status_code == 404
    assert readers["stranger"].get(address.format(pk=floor.pk).replace("buy", "buyers")).status_code == 404


def test_buying_is_a_post(hidden_thread, readers):
    floor = hidden_thread("sell=5")
    assert readers["stranger"].get(f"/floor/{floor.pk}/part/1/buy/").status_code == 405


def test_a_quote_drops_the_part(hidden_thread, readers, moderator):
    floor = hidden_thread("hide")
    for role in ("stranger", "moderator"):
        response = readers[role].get(f"/thread/{floor.thread_id}/reply/?quote={floor.pk}")
        assert response.status_code == 200
        text = response.content.decode()
        assert "公开的开头" in text and SECRET not in text


def test_the_preview_shows_the_writers_own_part(member_client):
    response = member_client.post("/preview/", {"source": f"[sell=3]{SECRET}[/sell]", "format": "markdown"})
    assert SECRET in response.content.decode()


@pytest.mark.parametrize("address", ["/latest/", "/latest/feed/", "/digest/feed/", "/board/{board}/feed/",
                                     "/board/{board}/"])
def test_lists_and_feeds_leave_the_part_out(hidden_thread, readers, board, address):
    floor = hidden_thread("hide")
    floor.thread.__class__.objects.filter(pk=floor.thread_id).update(digest=1)
    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    for role in ("guest", "stranger"):
        response = readers[role].get(address.format(board=board.pk))
        assert response.status_code == 200
        assert SECRET not in response.content.decode()


def test_the_feed_says_there_is_hidden_content(hidden_thread, readers):
    hidden_thread("hide")
    text = readers["guest"].get("/latest/feed/").content.decode()
    assert "公开的开头" in text and "cpart-locked" in text and SECRET not in text


def test_search_finds_the_public_text_and_not_the_part(hidden_thread, readers):
    hidden_thread("hide", title="隐藏内容测试帖")
    for role in ("guest", "stranger"):
        public = readers[role].get("/search/", {"q": "公开的开头"}).content.decode()
        assert "隐藏内容测试帖" in public and SECRET not in public
        assert "隐藏内容测试帖" not in readers[role].get("/search/", {"q": SECRET}).content.decode()


def test_the_report_queue_excerpt_leaves_the_part_out(hidden_thread, other_member, moderator):
    from luntan.reports.queries import FloorReports

    floor = hidden_thread("hide")
    excerpt = FloorReports(floor=floor, reports=[], first_at=None).excerpt
    assert "公开的开头" in excerpt and SECRET not in excerpt


def test_the_thread_page_costs_the_same_queries_with_one_part_or_many(board, member, other_member, monkeypatch):
    # One period for the kept pages and cards: a period ending between two requests would re-render one page.
    monkeypatch.setattr("luntan.core.pagecache.time_bucket", lambda name: 0)
    one = forum_services.thread_create(author=member, board=board, title="两段", fmt="bbcode",
                                       source="[hide]甲[/hide][sell=3]乙[/sell]")
    many = forum_services.thread_create(author=member, board=board, title="很多段",
                                        source="".join(f"[hide]{i}[/hide][sell=3]{i}[/sell]" for i in range(5)),
                                        fmt="bbcode")
    for i in range(6):
        forum_services.post_reply(author=member, thread=many.thread, source=f"[hide={i + 1}]第{i}楼[/hide]",
                                  fmt="bbcode")
    client = signed_in(other_member)
    client.get("/")  # the member's first request of the day (its visit) is not the thread page's cost
    urls = [f"/thread/{f.thread_id}/" for f in (one, many)]
    cold = [page_queries(client, u, cold=True) for u in urls]
    assert cold[0] == cold[1], cold
    guest = Client()
    for reader in (client, guest):
        for u in urls:
            reader.get(u)  # kept
        warm = [page_queries(reader, u, cold=False) for u in urls]
        assert warm[0] == warm[1], warm


def test_hostile_text_in_a_part_is_sanitized_on_the_page(board, member, moderator):
    floor = forum_services.thread_create(
        author=member, board=board, title="有坏东西", fmt="markdown",
        source='[hide]<script>alert("xss")</script> [点我](javascript:alert(1)) <!--hole:userbox:--> [/hide]')
    text = page(signed_in(moderator), floor)
    assert "<script>alert" not in text and 'href="javascript:' not in text
    assert "&lt;script&gt;" in text


def test_a_kept_closed_box_carries_each_members_own_form_token(hidden_thread):
    """Closed boxes are kept and shared: the buy form's token is put in per reader, never one reader's for all."""
    import re

    floor = hidden_thread("sell=20")
    tokens = []
    for reader in MemberFactory.create_batch(2):
        client = signed_in(reader)
        text = page(client, floor)
        form = re.search(r'<form method="post" action="[^"]+" class="cpart-buy">(.*?)</form>', text, re.S)
        assert form is not None and "cpart-token" not in text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
        tokens.append(token)
        assert client.cookies.get(settings.CSRF_COOKIE_NAME) is not None
    assert tokens[0] != tokens[1]
