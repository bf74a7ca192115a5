"""Guests who read too many thread pages too fast (the admin's number an hour, per address) get a check
page; once they pass it (the question or the proof of work) a signed cookie lets them read on for some
hours. Search engine crawlers the admin allows read on when their address is theirs (reverse DNS, then
forward again).

The count is kept in the cache, never the database. Each worker process counts a guest's pages in its own
memory and adds them to the shared count in the cache ten at a time (one increment), so a guest's thread
page pays at most one cache operation, and nine in ten pay none; a guest is stopped at most a few pages
per worker late. The settings come from the kept table (luntan.protection.questions); members are never
counted. Only thread pages count: they are what scrapers come for."""

import concurrent.futures
import functools
import hashlib
import ipaddress
import socket
import threading

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from luntan.core.presence import client_address
from luntan.core.redirects import safe_next
from luntan.protection import challenge
from luntan.protection.questions import config

COUNTED_VIEWS = frozenset({"forum:thread"})
PASS_COOKIE = "luntan_read_pass"  # noqa: S105 - a cookie's name
PASS_SALT = "luntan.protection.guests.pass"  # noqa: S105 - a signing salt, not a secret
HOUR = 60 * 60
DAY = 24 * HOUR
DNS_SECONDS = 3.0  # a lookup that takes longer counts as not verified (and is asked again in 10 minutes)


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=10).hexdigest()


# --- Counting ------------------------------------------------------------------------------------------------

BATCH = 10  # pages a worker counts in memory before it adds them to the shared count
LOCAL_MAX = 50_000  # addresses a worker remembers in one hour; past that it forgets (at most BATCH-1 each)


def _hit(key: str, ttl: int, delta: int) -> int:
    """Adds `delta` to the counter `key` and returns it: one cache operation (on Redis one round trip; on
    other caches two the first time in a period)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django's incr would ask whether the key exists first: the increment and its expiry go together.
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        name = backend.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.incrby(name, delta)
        pipe.expire(name, ttl)
        count, _expiry = pipe.execute()
        return int(count)
    try:
        return cache.incr(key, delta)
    except ValueError:  # the period's first pages
        if cache.add(key, delta, ttl):
            return delta
        return cache.incr(key, delta)


class _Local:
    """This worker's counts: {address digest: [pages not yet added to the cache, the shared count as last
    seen]}, for the current hour."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.period: int | None = None
        self.counts: dict[str, list[int]] = {}


_local = _Local()


def forget_local() -> None:
    """Drops this worker's counts (tests: another worker, or a fresh start)."""
    with _local.lock:
        _local.counts.clear()
        _local.period = None


def count_page(address: str) -> int:
    """This address's thread pages in the current hour as far as this worker knows, this one included: the
    shared count as last seen plus this worker's pages not yet added to it."""
    period = int(challenge.now() // HOUR)
    digest = _digest(address)
    with _local.lock:
        if _local.period != period:
            _local.counts.clear()
            _local.period = period
        entry = _local.counts.get(digest)
        if entry is None:
            if len(_local.counts) >= LOCAL_MAX:
                _local.counts.clear()
            entry = _local.counts[digest] = [0, 0]
        entry[0] += 1
        pending = entry[0]
        if pending < BATCH:
            return entry[1] + pending
        entry[0] = 0
    total = _hit(f"guestpages:{period}:{digest}", HOUR + 60, pending)
    with _local.lock:
        entry[1] = max(entry[1], total)
        return entry[1] + entry[0]


# --- Passing ---------------------------------------------------------------------------------------------------

def has_pass(request: HttpRequest, address: str, hours: int) -> bool:
    if PASS_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(PASS_COOKIE, default=None, salt=PASS_SALT, max_age=hours * HOUR)
    return value == _digest("pass", address)


def give_pass(response: HttpResponse, address: str, hours: int) -> None:
    response.set_signed_cookie(PASS_COOKIE, _digest("pass", address), salt=PASS_SALT, max_age=hours * HOUR,
                               httponly=True, samesite="Lax", secure=False)


# --- Crawlers ----------------------------------------------------------------------------------------------------

def _forward(host: str, address: str) -> set[str]:
    if ipaddress.ip_address(address).version == 4:
        return set(socket.gethostbyname_ex(host)[2])
    return {str(info[4][0]) for info in socket.getaddrinfo(host, None, socket.AF_INET6)}


def _reverse_forward(address: str, domains: tuple[str, ...]) -> bool:
    """Whether `address` names a host in one of `domains` whose own addresses include `address`."""
    try:
        host = socket.gethostbyaddr(address)[0].lower().rstrip(".")
    except (OSError, ValueError):
        return False
    if not any(host == d or host.endswith("." + d) for d in domains):
        return False
    try:
        return address in _forward(host, address)
    except (OSError, ValueError):
        return False


_lookups = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="crawler-dns")


def crawler_verified(address: str, domains: tuple[str, ...]) -> bool:
    """Reverse DNS and forward confirmation of a claimed crawler, remembered a day (ten minutes when the
    lookup took too long)."""
    key = f"crawler:{_digest(address, *domains)}"
    found = cache.get(key)
    if found is not None:
        return bool(found)
    try:
        ok = _lookups.submit(_reverse_forward, address, domains).result(timeout=DNS_SECONDS)
        ttl = DAY
    except concurrent.futures.TimeoutError:
        ok, ttl = False, 600
    cache.set(key, int(ok), ttl)
    return ok


def claimed_crawler(user_agent: str, crawlers) -> tuple[str, ...] | None:
    """The domains of the allowed crawler this user agent names, or None."""
    if not crawlers or not user_agent:
        return None
    agent = user_agent.lower()
    for name, domains in crawlers:
        if name in agent:
            return domains
    return None


@functools.lru_cache(maxsize=1024)  # asked on every page of a guest over the limit (the bench's, from loopback)
def _is_local(address: str) -> bool:
    """The machine itself (the site's own tools, `luntan bench`) is counted but never stopped."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# --- The gate --------------------------------------------------------------------------------------------------

def gate(request: HttpRequest) -> HttpResponse | None:
    """None when this guest may read the page, else the check page (HTTP 429)."""
    cfg = config()
    limit = cfg.guest_pages_per_hour
    if not limit:
        return None
    address = client_address(request)
    if has_pass(request, address, cfg.guest_pass_hours):
        return None
    domains = claimed_crawler(request.META.get("HTTP_USER_AGENT", ""), cfg.crawlers)
    if domains is not None and crawler_verified(address, domains):
        return None
    if count_page(address) <= limit or _is_local(address):
        return None
    return check_page(request, next_url=request.get_full_path(), status=429)


class GuestCheckMiddleware:
    """Counts guests' thread pages (luntan.protection.guests.gate). Listed after the authentication and
    hole middleware: members pass untouched, and the check page's holes are filled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "GET" or match is None or match.view_name not in COUNTED_VIEWS:
            return None
        if request.user.is_authenticated:
            return None
        return gate(request)


# --- The check page ----------------------------------------------------------------------------------------------

def check_page(request: HttpRequest, *, next_url: str, status: int, guard=None) -> HttpResponse:
    guard = guard or challenge.Guard(request, purpose="guest", verify=True, min_time=False, id_prefix="check")
    response = render(request, "protection/check.html", {
        "guard": guard, "next": safe_next(next_url), "refusal": challenge.refusal() if guard.refused else "",
        "action": reverse("protection:guest_check"),
    }, status=status)
    response["Cache-Control"] = "no-store"
    if status == 429:
        response["Retry-After"] = str(HOUR)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """The guests' check: pass it and read on."""
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        return check_page(request, next_url=next_url, status=200)
    guard = challenge.Guard(request, purpose="guest", verify=True, min_time=False, id_prefix="check")
    if not guard.passed():
        return check_page(request, next_url=next_url, status=400, guard=guard)
    cfg = config()
    response = HttpResponseRedirect(next_url)
    give_pass(response, client_address(request), cfg.guest_pass_hours)
    return response
