"""Who is online, and for how long, kept in the cache and carried to the database in batches.

A page view must not write to the database, so each visitor's presence is noted in the cache, at most
once a minute per visitor (`cache.add` of a short-lived marker). The shared online map is changed under a
short cache lock; if the lock is busy the visitor is simply noted a minute later."""

import functools
import hashlib
import ipaddress
import secrets
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
    """A best-effort lock across processes: `cache.add` succeeds for one caller only.

    Each holder stores a token of its own and releases the lock only while the token is still its own: if
    the holder outlived `expire`, another process may hold the lock by then, and deleting it would let a
    third one in beside the second."""

    def __init__(self, key: str, *, wait: float = 0.05, expire: int = 5):
        self.key, self.wait, self.expire, self.held = key, wait, expire, False
        self.token = 0

    def __enter__(self) -> bool:
        deadline = time.monotonic() + self.wait
        # An int: Django's Redis cache stores ints as plain numbers, which the release script compares.
        self.token = secrets.randbits(62) + 1
        while True:
            if cache.add(self.key, self.token, self.expire):
                self.held = True
                self.taken_at = time.monotonic()
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def __exit__(self, *exc) -> None:
        if self.held:
            self.held = False
            _release(self.key, self.token, time_left=self.expire - (time.monotonic() - self.taken_at))


# Deletes the key only if it still holds this token, in one step on the Redis server.
_RELEASE_SCRIPT = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


def _release(key: str, token: int, *, time_left: float) -> None:
    from diskcache import DjangoCache
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):  # compare and delete in one step on the server
        # The stubs do not declare RedisCache's private client holder; it is the only way to run a script.
        client = backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        client.eval(_RELEASE_SCRIPT, 1, backend.make_and_validate_key(key), str(token))
    elif isinstance(backend, DjangoCache):  # diskcache: its transaction locks the files across processes
        with backend._cache.transact():
            if backend.get(key) == token:
                backend.delete(key)
    elif time_left > 1.0:
        # Other caches (the per-process memory cache of tests): compare, then delete. The key cannot
        # expire between the two steps while a second of its time is left; with less, let it expire.
        if backend.get(key) == token:
            backend.delete(key)


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
    return _client_address(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""),
                           tuple(settings.TRUSTED_PROXIES))


# Every page asks (presence), and a visitor sends the same headers page after page: parsing them is
# remembered rather than redone.
@functools.lru_cache(maxsize=4096)
def _client_address(remote_addr: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    remote = _address(remote_addr)
    if remote is None:
        return "unknown"
    networks = _networks(trusted)
    if not networks or not _trusted(remote, networks):
        return str(remote)
    for entry in reversed(forwarded_for.split(",")):
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


@functools.lru_cache(maxsize=4096)
def _guest_digest(address: str) -> str:
    """Guests are counted by a hash of their address: the online list keeps no address itself."""
    return hashlib.blake2b(address.encode(), digest_size=8).hexdigest()


def seen(request: HttpRequest) -> None:
    now = time.time()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        mark = f"presence:mark:{user.pk}"
        if not _fresh_here(mark, now) and cache.add(mark, 1, MARK_SECONDS):
            _note_member(user.pk, user.username, now)
    else:
        digest = _guest_digest(client_address(request))
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


def members_seen() -> dict[int, tuple[float, str]]:
    """{uid: (last seen, name)} for every member in the presence buffer, however long ago."""
    return dict(cache.get(MEMBERS_KEY) or {})


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


def give_back(taken: dict[int, tuple[int, float]]) -> None:
    """Returns what take_pending() handed over but could not be written, merged with what was noted
    since: the seconds add up, the later last-seen wins. Waits for the lock longer than a page would,
    since giving up here loses the counts."""
    if not taken:
        return
    with cache_lock(LOCK_KEY, wait=5.0) as locked:
        if not locked:
            raise RuntimeError("presence lock busy: buffered online time could not be put back")
        pending = cache.get(PENDING_KEY) or {}
        for uid, (seconds, last_seen) in taken.items():
            now_seconds, now_last = pending.get(uid, (0, last_seen))
            pending[uid] = (now_seconds + seconds, max(now_last, last_seen))
        cache.set(PENDING_KEY, pending, None)


def forget_local() -> None:
    """Drops this process's memory of recent visitors (a new test, a reloaded worker)."""
    _recent.clear()
