"""Guests who read too many thread pages too fast get a check page (HTTP 429); passing it lets them read on.
Allowed search engine crawlers read on when reverse DNS confirms them; a crawler's name alone is nothing."""

import socket

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from helpers import Clock, signed_in

from luntan.protection import challenge, guests
from protection.verifying import configure, guard_fields, only_question, page, pow_fields, solve_pow

pytestmark = pytest.mark.django_db

READER = "10.0.0.7"
BAIDU_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(challenge, "now", found)
    return found


@pytest.fixture(autouse=True)
def _fresh_worker():
    guests.forget_local()
    yield
    guests.forget_local()


@pytest.fixture
def limit_of_three(clock):
    only_question()
    configure(guest_pages_per_hour=3)


@pytest.fixture
def dns(monkeypatch):
    """A fake DNS: reverse names by address, forward addresses by name; every lookup is recorded."""
    reverse: dict[str, str] = {}
    forward: dict[str, list[str]] = {}
    asked: list[str] = []

    def gethostbyaddr(address):
        asked.append(address)
        if address not in reverse:
            raise socket.herror(1, "Unknown host")
        return reverse[address], [], [address]

    def gethostbyname_ex(name):
        asked.append(name)
        if name not in forward:
            raise socket.gaierror(-2, "Name or service not known")
        return name, [], forward[name]

    monkeypatch.setattr(socket, "gethostbyaddr", gethostbyaddr)
    monkeypatch.setattr(socket, "gethostbyname_ex", gethostbyname_ex)
    return reverse, forward, asked


def read(client: Client, thread, times: int) -> list[int]:
    return [client.get(f"/thread/{thread.pk}/").status_code for _ in range(times)]


def test_a_guest_reading_too_fast_gets_the_check_page_then_reads_on_after_passing(limit_of_three, thread):
    guest = Client(REMOTE_ADDR=READER)
    assert read(guest, thread, 3) == [200, 200, 200]
    blocked = guest.get(f"/thread/{thread.pk}/?page=1")
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert "本论坛的名字叫什么?" in page(blocked) and thread.title not in page(blocked)
    # A wrong answer: still checked, the page says so.
    wrong = guest.post("/protection/check/", {"next": f"/thread/{thread.pk}/", **guard_fields(blocked, "不对")})
    assert wrong.status_code == 400 and guest.get(f"/thread/{thread.pk}/").status_code == 429
    passed = guest.post("/protection/check/", {"next": f"/thread/{thread.pk}/", **guard_fields(wrong, "论坛")})
    assert passed.status_code == 302 and passed["Location"] == f"/thread/{thread.pk}/"
    assert read(guest, thread, 5) == [200] * 5
    # Another address is counted on its own; the pass is not shared with it.
    other = Client(REMOTE_ADDR="10.0.0.8")
    other.cookies = guest.cookies
    assert read(other, thread, 4) == [200, 200, 200, 429]


def test_the_count_starts_again_the_next_hour(limit_of_three, clock, thread):
    guest = Client(REMOTE_ADDR=READER)
    assert read(guest, thread, 4)[-1] == 429
    clock.advance(3600)
    assert read(guest, thread, 1) == [200]


def test_the_check_page_offers_the_proof_of_work_when_the_site_uses_it(limit_of_three, thread):
    configure(kind="pow", pow_bits=8)
    guest = Client(REMOTE_ADDR=READER)
    read(guest, thread, 3)
    blocked = guest.get(f"/thread/{thread.pk}/")
    assert blocked.status_code == 429
    salt, bits = pow_fields(blocked)
    data = {"next": f"/thread/{thread.pk}/", **guard_fields(blocked, solve_pow(salt, bits))}
    assert guest.post("/protection/check/", data).status_code == 302
    assert read(guest, thread, 2) == [200, 200]
    # The same work is not taken twice.
    assert Client(REMOTE_ADDR="10.0.0.9").post("/protection/check/", data).status_code == 400


def test_a_check_page_passed_elsewhere_does_not_open_a_forged_cookie(limit_of_three, thread):
    guest = Client(REMOTE_ADDR=READER)
    guest.cookies[guests.PASS_COOKIE] = "forged:value"
    assert read(guest, thread, 4)[-1] == 429


def test_members_are_never_counted(limit_of_three, thread, member):
    reader = signed_in(member)
    reader.defaults["REMOTE_ADDR"] = READER
    assert read(reader, thread, 6) == [200] * 6


def test_no_limit_when_the_admin_sets_none(clock, thread):
    configure(guest_pages_per_hour=0)
    assert read(Client(REMOTE_ADDR=READER), thread, 5) == [200] * 5


def test_the_machine_itself_is_counted_but_never_stopped(limit_of_three, thread):
    assert read(Client(REMOTE_ADDR="127.0.0.1"), thread, 5) == [200] * 5


def test_a_verified_crawler_reads_on_and_dns_is_asked_once_a_day(limit_of_three, thread, dns):
    reverse, forward, asked = dns
    reverse["10.0.0.30"] = "baiduspider-10-0-0-30.crawl.baidu.com."
    forward["baiduspider-10-0-0-30.crawl.baidu.com"] = ["10.0.0.30"]
    crawler = Client(REMOTE_ADDR="10.0.0.30", HTTP_USER_AGENT=BAIDU_UA)
    assert read(crawler, thread, 8) == [200] * 8
    assert asked == ["10.0.0.30", "baiduspider-10-0-0-30.crawl.baidu.com"]  # once, then remembered


def test_a_fake_crawler_is_checked_like_any_guest(limit_of_three, thread, dns):
    reverse, forward, _asked = dns
    # Its address names a host that is not Baidu's; or a Baidu-looking name that does not resolve back.
    reverse["10.0.0.31"] = "crawl.baidu.com.evil.example"
    reverse["10.0.0.32"] = "fake.crawl.baidu.com"
    forward["fake.crawl.baidu.com"] = ["10.9.9.9"]
    for address in ("10.0.0.31", "10.0.0.32", "10.0.0.33"):
        assert read(Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BAIDU_UA), thread, 4) == [200, 200, 200, 429]


def test_a_crawler_the_admin_does_not_allow_is_checked(limit_of_three, thread, dns):
    reverse, forward, _asked = dns
    reverse["10.0.0.30"] = "baiduspider-10-0-0-30.crawl.baidu.com"
    forward["baiduspider-10-0-0-30.crawl.baidu.com"] = ["10.0.0.30"]
    configure(crawlers="Googlebot googlebot.com google.com")
    assert read(Client(REMOTE_ADDR="10.0.0.30", HTTP_USER_AGENT=BAIDU_UA), thread, 4)[-1] == 429


def test_the_check_page_refuses_a_filled_honeypot_and_a_foreign_next(limit_of_three, thread):
    guest = Client(REMOTE_ADDR=READER)
    shown = guest.get("/protection/check/?next=//evil.example/")
    assert shown.status_code == 200 and 'value="/"' in shown.content.decode()
    bot = guest.post("/protection/check/", {"next": "/", **guard_fields(shown, "论坛"), "homepage": "x"})
    assert bot.status_code == 400 and guests.PASS_COOKIE not in bot.cookies
    passed = guest.post("/protection/check/", {"next": "https://evil.example/", **guard_fields(bot, "论坛")})
    assert passed.status_code == 302 and passed["Location"] == "/"


class CountingCache:
    """Counts the calls made on the cache: Redis's own commands (round trips) on Redis, else the backend's."""

    NAMES = ("get", "set", "add", "incr", "decr", "delete", "get_many", "set_many", "delete_many", "touch",
             "has_key", "get_or_set")

    def __init__(self, monkeypatch) -> None:
        self.calls: list[str] = []
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            get_client = backend._cache.get_client
            monkeypatch.setattr(backend._cache, "get_client",
                                lambda *args, **kwargs: _CountingClient(get_client(*args, **kwargs), self.calls))
            return
        for name in self.NAMES:
            original = getattr(backend, name)
            monkeypatch.setattr(backend, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def counted(*args, **kwargs):
            self.calls.append(name)
            return original(*args, **kwargs)
        return counted


class _CountingClient:
    def __init__(self, client, calls: list[str]) -> None:
        self._client, self._calls = client, calls

    def __getattr__(self, name):
        found = getattr(self._client, name)
        if not callable(found):
            return found

        def counted(*args, **kwargs):
            self._calls.append(name)
            return found(*args, **kwargs)
        return counted


def test_a_guest_thread_page_pays_at_most_one_cache_operation_for_the_count(clock, thread, monkeypatch):
    only_question()
    guest = Client(REMOTE_ADDR=READER)
    path = f"/thread/{thread.pk}/"

    def calls_of_views(n: int) -> list[int]:
        found = []
        for _ in range(n):
            counting = CountingCache(monkeypatch)
            assert guest.get(path).status_code == 200
            monkeypatch.undo()
            monkeypatch.setattr(challenge, "now", clock)
            found.append(len(counting.calls))
        return found

    configure(guest_pages_per_hour=0)
    guest.get(path)  # warm
    without = calls_of_views(3)
    assert len(set(without)) == 1
    configure(guest_pages_per_hour=1000)
    read(guest, thread, guests.BATCH)  # warm, and the period's first increment (two operations on some caches)
    extra = [n - without[0] for n in calls_of_views(3 * guests.BATCH)]
    assert max(extra) == 1 and sum(extra) == 3  # one increment for every BATCH pages, none in between


def test_the_workers_counts_add_up_in_the_cache(clock, thread):
    only_question()
    configure(guest_pages_per_hour=30)
    guest = Client(REMOTE_ADDR=READER)
    assert set(read(guest, thread, 25)) == {200}  # 20 in the cache, 5 in this worker's memory
    guests.forget_local()  # another worker: it knows nothing of those 5 nor yet of the 20
    assert read(guest, thread, 10) == [200] * 10  # its 10th page adds 10: 30 in the cache
    assert read(guest, thread, 1) == [429]
