"""Who is online, and for how long, kept in the cache and carried to the database in batches.

A page view must not write to the database, so each visitor's presence is noted in the cache, at most
once a minute per visitor (`cache.add` of a short-lived marker). The shared online map is changed under a
short cache lock; if the lock is busy the visitor is simply noted a minute later."""

import functools
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

MEMBERS_KEY = "presence:members"  # uid -> (last seen, name)
GUESTS_KEY = "presence:guests"  # hashed address -> last seen
PENDING_KEY = "presence:pending"  # uid -> [online seconds not yet written, last seen]
LOCK_KEY = "presence:lock"
MARK_SECONDS = 60


def window_seconds() -> int:
    return settings.LUNTAN["ONLINE_MINUTES"] * 60


class cache_lock:
    """A best-effort lock across processes: `cache.add` succeeds for one caller only."""

    def __init__(self, key: str, *, wait: float = 0.05, expire: int = 5):
        self.key, self.wait, self.expire, self.held = key, wait, expire, False

    def __enter__(self) -> bool:
        deadline = time.monotonic() + self.wait
        while True:
            if cache.add(self.key, 1, self.expire):
                self.held = True
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def __exit__(self, *exc) -> None:
        if self.held:
            cache.delete(self.key)


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; count them once, as a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: IPAddress, networks) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or, when that is a proxy named in TRUSTED_PROXIES, the right-most
    X-Forwarded-For entry that is not itself a trusted proxy. Each proxy appends the address it saw, so
    everything left of the first untrusted entry was written by the client and may be forged."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return "unknown"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:  # garbage in the header: keep the last address a trusted proxy vouched for
            break
        remote = hop
        if not _trusted(hop, networks):
            break
    return str(remote)


# Visitors this process noted lately: most page views then skip the shared cache entirely.
_recent: dict[str, float] = {}


def _fresh_here(mark: str, now: float) -> bool:
    last = _recent.get(mark)
    if last is not None and now - last < MARK_SECONDS:
        return True
    if len(_recent) > 50_000:
        _recent.clear()
    _recent[mark] = now
    return False


def seen(request: HttpRequest) -> None:
    now = time.time()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        mark = f"presence:mark:{user.pk}"
        if not _fresh_here(mark, now) and cache.add(mark, 1, MARK_SECONDS):
            _note_member(user.pk, user.username, now)
    else:
        digest = hashlib.blake2b(client_address(request).encode(), digest_size=8).hexdigest()
        mark = f"presence:mark:g:{digest}"
        if not _fresh_here(mark, now) and cache.add(mark, 1, MARK_SECONDS):
            _note_guest(digest, now)


def _note_member(uid: int, name: str, now: float) -> None:
    with cache_lock(LOCK_KEY) as locked:
        if not locked:  # try again on the next page
            cache.delete(f"presence:mark:{uid}")
            _recent.pop(f"presence:mark:{uid}", None)
            return
        members = cache.get(MEMBERS_KEY) or {}
        pending = cache.get(PENDING_KEY) or {}
        previous = members.get(uid)
        seconds, _last = pending.get(uid, (0, now))
        # Online time grows by the gap between two notes, when the member never left in between.
        if previous and now - previous[0] <= window_seconds():
            seconds += int(now - previous[0])
        pending[uid] = (seconds, now)
        members[uid] = (now, name)
        cutoff = now - window_seconds()
        members = {k: v for k, v in members.items() if v[0] >= cutoff}
        cache.set_many({MEMBERS_KEY: members, PENDING_KEY: pending}, None)


def _note_guest(digest: str, now: float) -> None:
    with cache_lock(LOCK_KEY) as locked:
        if not locked:
            return
        guests = cache.get(GUESTS_KEY) or {}
        guests[digest] = now
        cutoff = now - window_seconds()
        cache.set(GUESTS_KEY, {k: v for k, v in guests.items() if v >= cutoff}, None)


def online() -> tuple[list[tuple[int, str]], int]:
    """Members seen in the last window (newest first) and the number of guests."""
    cutoff = time.time() - window_seconds()
    found = cache.get_many([MEMBERS_KEY, GUESTS_KEY])
    members = sorted(
        ((uid, v[1], v[0]) for uid, v in (found.get(MEMBERS_KEY) or {}).items() if v[0] >= cutoff),
        key=lambda row: -row[2],
    )
    guests = sum(1 for ts in (found.get(GUESTS_KEY) or {}).values() if ts >= cutoff)
    return [(uid, name) for uid, name, _ in members], guests


def online_ids() -> set[int]:
    cutoff = time.time() - window_seconds()
    return {uid for uid, v in (cache.get(MEMBERS_KEY) or {}).items() if v[0] >= cutoff}


def take_pending() -> dict[int, tuple[int, float]]:
    """Hands over what is not yet in the database and forgets it, under the lock."""
    with cache_lock(LOCK_KEY, wait=2.0) as locked:
        if not locked:
            return {}
        pending = cache.get(PENDING_KEY) or {}
        cache.set(PENDING_KEY, {}, None)
        return pending


def forget_local() -> None:
    """Drops this process's memory of recent visitors (a new test, a reloaded worker)."""
    _recent.clear()
