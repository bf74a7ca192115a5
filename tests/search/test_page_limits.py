"""What a search costs: a fixed number of queries whatever the number of hits, no write at all, and a limit
per address and per member on how many searches a minute, with a message saying when to try again."""

import html

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import Clock, signed_in

from luntan.forum import services
from luntan.protection import throttle

pytestmark = pytest.mark.django_db

LIMITS = settings.LUNTAN["LIMITS"]
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "now", found)
    return found


def visitor(member=None, address: str = HERE) -> Client:
    client = signed_in(member) if member else Client()
    client.defaults["REMOTE_ADDR"] = address
    return client


def threads(board, author, n: int, title: str = "爬山") -> None:
    for i in range(n):
        services.thread_create(author=author, board=board, title=f"{title}路线{i}", source=f"第{i}条:周末{title}",
                               fmt="bbcode")


# --- Queries -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{"q": "爬山"}, {"q": "爬山", "sort": "newest", "title_only": "1"},
                                    {"kind": "members", "q": "wang"}])
def test_a_search_costs_the_same_queries_for_one_hit_or_many(board, params, django_assert_max_num_queries):
    member = MemberFactory(username="李四")  # a factory name may begin with 王 and be one more "wang"
    client = visitor(member)
    threads(board, member, 1)
    MemberFactory(username="王一")
    client.get("/search/", params)  # the board table and the like are read once, then kept
    with CaptureQueriesContext(connection) as one:
        assert client.get("/search/", params).status_code == 200
    one_hit = len(one)  # now: the next request empties the connection's log
    authors = [MemberFactory(username=f"王{n}号") for n in range(14)]
    for author in authors:
        threads(board, author, 1)
    client.get("/search/", params)
    with django_assert_max_num_queries(one_hit):
        page = client.get("/search/", params).content.decode()
    assert page.count('class="hit-title"') == 10 or page.count('class="member-name"') == 15


def test_a_search_filtered_by_author_and_board_costs_no_query_per_hit(board, member, django_assert_max_num_queries):
    client = visitor(member)
    threads(board, member, 1)
    params = {"q": "爬山", "author": member.username, "board": board.pk}
    client.get("/search/", params)
    with CaptureQueriesContext(connection) as one:
        client.get("/search/", params)
    one_hit = len(one)
    threads(board, member, 14)
    client.get("/search/", params)
    with django_assert_max_num_queries(one_hit):
        assert client.get("/search/", params).content.decode().count('class="hit-title"') == 10


@pytest.mark.parametrize("params", [{"q": "爬山"}, {"q": "爬山", "page": "2"}, {"kind": "members", "q": "wang"},
                                    {"q": "爬山", "since": "错误"}])
@pytest.mark.parametrize("who", ["guest", "member"])
def test_a_search_writes_nothing(board, member, params, who):
    threads(board, member, 12)
    client = visitor(member if who == "member" else None)
    client.get("/search/", params)
    with CaptureQueriesContext(connection) as seen:
        client.get("/search/", params)
        writes = [q["sql"] for q in seen.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))]
        assert len(seen) > 0  # the queries were seen
    assert writes == []


# --- Rate limits ---------------------------------------------------------------------------------------------

def test_a_member_searching_too_often_is_told_when_to_try_again(clock, board, member):
    threads(board, member, 1)
    client = visitor(member)
    allowed, _seconds = LIMITS["SEARCH_PER_MEMBER"]
    for _ in range(allowed):
        assert client.get("/search/", {"q": "爬山"}).status_code == 200
    clock.time += 20
    refused = client.get("/search/", {"q": "爬山"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    page = html.unescape(refused.content.decode())
    assert "你搜索得太频繁了，请 40 秒后再试。" in page
    assert 'class="hit-title"' not in page
    assert 'value="爬山"' in page  # the search stays in the box, to send again later
    # Another member from another address is not held up; the member is, from another address too.
    assert visitor(MemberFactory(), ELSEWHERE).get("/search/", {"q": "爬山"}).status_code == 200
    assert visitor(member, ELSEWHERE).get("/search/", {"q": "爬山"}).status_code == 429
    assert client.get("/search/", {"kind": "members", "q": "wang"}).status_code == 429
    clock.time += 40  # the next minute
    assert client.get("/search/", {"q": "爬山"}).status_code == 200


def test_an_address_searching_too_often_is_refused_for_guests_and_members_alike(clock, board, member):
    allowed, _seconds = LIMITS["SEARCH_PER_ADDRESS"]
    for n in range(allowed):
        assert visitor(address=HERE).get("/search/", {"q": f"爬山{n}"}).status_code == 200
    assert visitor(address=HERE).get("/search/", {"q": "爬山"}).status_code == 429
    assert visitor(member, HERE).get("/search/", {"q": "爬山"}).status_code == 429
    assert visitor(address=ELSEWHERE).get("/search/", {"q": "爬山"}).status_code == 200


def test_an_empty_search_or_a_refused_form_does_not_count(clock, member, settings):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**LIMITS, "SEARCH_PER_MEMBER": (2, 60)}}
    client = visitor(member)
    for _ in range(5):
        assert client.get("/search/", {"q": ""}).status_code == 200
        assert client.get("/search/").status_code == 200
        assert client.get("/search/", {"q": "爬山", "since": "错误"}).status_code == 400
    assert client.get("/search/", {"q": "爬山"}).status_code == 200
    assert client.get("/search/", {"q": "爬山"}).status_code == 200
    assert client.get("/search/", {"q": "爬山"}).status_code == 429
