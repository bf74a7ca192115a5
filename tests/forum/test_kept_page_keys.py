"""A kept page is kept under the parameters the page reads, made sensible, never under the address as
typed: stray or odd parameters get the kept page of the sensible address instead of a fresh render."""

import secrets

import pytest
from django.core.cache import cache
from django.test import Client
from helpers import signed_in

from luntan.core import localcache, pagecache
from luntan.forum import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_time_bucket(monkeypatch):
    """Kept things also expire with the minute (pagecache.time_bucket); these tests must not see a minute
    turn over and count the renders it causes."""
    monkeypatch.setattr(pagecache, "time_bucket", lambda name: 0)


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates the forum's views render, in order."""
    rendered: list[str] = []
    real = views.render

    def counting(request, template, *args, **kwargs):
        rendered.append(template)
        return real(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", counting)
    return rendered


def _junk() -> dict[str, str]:
    return {"x": secrets.token_hex(4), secrets.token_hex(3): "1", "utm_source": secrets.token_hex(2)}


@pytest.mark.parametrize("reader", ["guest", "member"])
def test_fifty_requests_with_stray_parameters_render_the_thread_once(make_thread, member, renders, reader):
    thread = make_thread(replies=2)
    client = Client() if reader == "guest" else signed_in(member)
    for _ in range(50):
        response = client.get(f"/thread/{thread.pk}/", _junk())
        assert response.status_code == 200 and "第2条回复" in response.content.decode()
    assert renders == ["forum/thread.html"]
    assert len(localcache.pages) == 1


def test_odd_page_numbers_share_the_kept_page_of_the_page_they_mean(make_thread, renders):
    thread = make_thread(replies=24)  # 25 floors: two pages
    first = [Client().get(f"/thread/{thread.pk}/", query) for query in
             ({}, {"page": "1"}, {"page": "abc"}, {"page": "0"}, {"page": "-3"}, {"page": "1", "x": "y"},
              {"order": "asc"}, {"order": "sideways"})]
    assert len(renders) == 1
    assert len({r.content for r in first}) == 1
    second = [Client().get(f"/thread/{thread.pk}/", {"page": page}) for page in ("2", "3", "999999", "last")]
    assert len(renders) == 2  # a real page of its own; past the end is the last page
    html = second[0].content.decode()
    assert 'id="floor-21"' in html and 'id="floor-21"' not in first[0].content.decode()
    Client().get(f"/thread/{thread.pk}/", {"order": "desc"})
    assert len(renders) == 3  # newest first is another page


def test_made_up_authors_share_one_empty_page(make_thread, other_member, renders):
    thread = make_thread(replies=1)
    for author in ("abc", "0", "999999", str(other_member.pk), "123456789"):
        response = Client().get(f"/thread/{thread.pk}/", {"author": author})
        assert response.status_code == 200 and 'class="floor' not in response.content.decode()
    assert len(renders) == 1
    Client().get(f"/thread/{thread.pk}/", {"author": thread.author_id})
    assert len(renders) == 2


def test_the_board_and_home_ignore_stray_parameters(make_thread, board, renders):
    make_thread()
    for query in ({}, {"page": "abc"}, {"page": "7"}, {"sort": "bogus"}, {"sort": "lastreply"}, _junk(), _junk()):
        assert Client().get(f"/board/{board.pk}/", query).status_code == 200
        assert Client().get("/", query).status_code == 200
    assert sorted(renders) == ["forum/board.html", "forum/home.html"]
    Client().get(f"/board/{board.pk}/", {"sort": "views"})
    assert len(renders) == 3


def test_a_guests_links_back_to_the_page_leave_stray_parameters_out(make_thread):
    thread = make_thread()
    seen = set()
    for _ in range(20):
        junk = _junk()
        html = Client().get(f"/thread/{thread.pk}/", {**junk, "page": "1"}).content.decode()
        assert junk["x"] not in html
        seen.add(html)
    assert f'/login/?next=/thread/{thread.pk}/"' in html
    assert len(seen) == 1
    userboxes = [key for key in localcache.fragments._data if key.startswith("userbox:")]
    assert len(userboxes) == 1


def test_two_threads_with_the_same_version_numbers_keep_their_own_pages(make_thread, member):
    first, second = make_thread(title="第一个主题"), make_thread(title="第二个主题")
    # One write bumps several scopes to the same number (pagecache.bump): two threads may share it.
    cache.set_many({f"ver:thread:{first.pk}": 7, f"ver:thread:{second.pk}": 7}, None)
    for client in (Client(), signed_in(member)):
        assert "第一个主题" in client.get(f"/thread/{first.pk}/").content.decode()
        assert "第二个主题" in client.get(f"/thread/{second.pk}/").content.decode()
