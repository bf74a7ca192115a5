"""Limits on how often a visitor may try something (sign in, ask for a reset mail, register), kept in the
Django cache so that every worker process sees the same counts (the disk cache, or Redis).

Counts go up with `cache.add` (start at zero, once) and `cache.incr` (atomic on Redis and on the disk
cache), so concurrent tries are all counted. A limit is a fixed window: at most `count` tries per `seconds`,
counted in periods of that length. Times come from `now()` and are stored in the values, so a refusal
ends when the period does, whatever the cache does with its own expiry; losing the cache only forgets counts.

The numbers live in settings.LUNTAN["LIMITS"]; every key holds a hash of the account or address, never
the text itself."""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

DAY = 24 * 60 * 60


def now() -> float:
    """The throttle's clock (tests move it on)."""
    return time.time()


def limits() -> dict:
    return settings.LUNTAN["LIMITS"]


def _key(kind: str, *parts: object) -> str:
    digest = hashlib.blake2b("\x00".join(str(p) for p in parts).encode(), digest_size=12).hexdigest()
    return f"throttle:{kind}:{digest}"


def _count(key: str, ttl: int) -> int:
    """Adds one to the counter `key` (made at zero, to last `ttl` seconds) and returns the new count."""
    for _attempt in range(2):
        cache.add(key, 0, ttl)
        try:
            return cache.incr(key)
        except ValueError:  # expired or evicted between the two calls: make it again
            continue
    cache.set(key, 1, ttl)
    return 1


# --- Fixed windows: at most `count` tries per `seconds` ---------------------------------------------------

def _window(name: str, parts: tuple, limit: tuple[int, int] | None = None,
            offset: float = 0) -> tuple[str, float, int]:
    """The counter key of the current period of limit `name` for `parts`, when that period ends, and the
    most tries it allows. `limit` (count, seconds) stands in for the settings' value (a group's own limit);
    `offset` moves the periods' edges (a day of the site's time zone starts at its local midnight)."""
    count, seconds = limit or limits()[name]
    period = int((now() + offset) // seconds)
    return _key(f"{name}:{seconds}:{period}", *parts), (period + 1) * seconds - offset, count


def window_wait(name: str, *parts: object, limit: tuple[int, int] | None = None, offset: float = 0) -> float:
    """Seconds until limit `name` allows another try for `parts`; 0 when it allows one now."""
    key, ends, count = _window(name, parts, limit, offset)
    return max(ends - now(), 0) if (cache.get(key) or 0) >= count else 0


def window_note(name: str, *parts: object, limit: tuple[int, int] | None = None, offset: float = 0) -> float:
    """Counts one try against limit `name` for `parts`. Returns 0 when the limit allows this try, else the
    seconds until it allows another (the count and the check are one step: concurrent tries cannot all
    slip under the limit)."""
    key, ends, allowed = _window(name, parts, limit, offset)
    count = _count(key, math.ceil(ends - now()) + 60)
    return max(ends - now(), 1) if count > allowed else 0


def window_give_back(name: str, *parts: object, limit: tuple[int, int] | None = None, offset: float = 0,
                     times: int = 1) -> None:
    """Takes back `times` tries counted by window_note in the current period (a post refused after its files
    were counted); never below zero, and nothing once the period has ended."""
    key = _window(name, parts, limit, offset)[0]
    try:
        if cache.decr(key, times) < 0:
            cache.incr(key, -cache.get(key, 0))  # back to zero, the key's life kept
    except ValueError:  # the period ended (or the counter was evicted): nothing to give back
        pass


# --- Signing in ----------------------------------------------------------------------------------------------
# Three limits, so that guessing is slow and a stranger cannot keep a member out:
#   * one account from one address: a few free tries, then delays that double with each further failure
#     (the strict one; it only ever stops that address);
#   * one account from all addresses: a looser count per period, so a guesser with many addresses is slowed
#     too, but a refusal lasts at most one period, and an address that has signed in to the account before
#     is not refused by it;
#   * one address across all accounts: a loose count per period against trying many accounts.
# While any of them refuses, the password is not even checked.

def _pair_keys(account: str, address: str) -> tuple[str, str, str]:
    return (_key("signin:failures", account, address), _key("signin:locked", account, address),
            _key("signin:known", account, address))


def signin_wait(account: str, address: str) -> float:
    """Seconds until `account` may try to sign in from `address`; 0 when it may now."""
    failures_key, locked_key, known_key = _pair_keys(account, address)
    found = cache.get_many([locked_key, known_key])
    waits = [found.get(locked_key, 0) - now()]
    if not found.get(known_key):
        waits += [window_wait("SIGNIN_PER_ACCOUNT", account), window_wait("SIGNIN_PER_ADDRESS", address)]
    return max(0, *waits)


def signin_failed(account: str, address: str) -> None:
    """Counts a wrong password; after the free tries, locks this account for this address for a while."""
    failures_key, locked_key, _known_key = _pair_keys(account, address)
    failures = _count(failures_key, DAY)
    free = limits()["SIGNIN_FREE_TRIES"]
    if failures >= free:
        delay = min(limits()["SIGNIN_FIRST_DELAY"] * 2 ** (failures - free), limits()["SIGNIN_LONGEST_DELAY"])
        cache.set(locked_key, now() + delay, delay + 60)
    window_note("SIGNIN_PER_ACCOUNT", account)
    window_note("SIGNIN_PER_ADDRESS", address)


def signin_succeeded(account: str, address: str) -> None:
    """Forgets this address's failures on the account, and remembers that the account's owner uses it."""
    failures_key, locked_key, known_key = _pair_keys(account, address)
    cache.delete_many([failures_key, locked_key])
    cache.set(known_key, 1, limits()["SIGNIN_KNOWN_ADDRESS_DAYS"] * DAY)


# --- Messages --------------------------------------------------------------------------------------------------

def minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many_attempts(seconds: float) -> str:
    n = minutes(seconds)
    return ngettext("Too many attempts. Please try again in %(minutes)s minute.",
                    "Too many attempts. Please try again in %(minutes)s minutes.", n) % {"minutes": n}


def too_many_reset_requests(seconds: float) -> str:
    n = minutes(seconds)
    return ngettext("Too many password reset requests. Please try again in %(minutes)s minute.",
                    "Too many password reset requests. Please try again in %(minutes)s minutes.", n) % {"minutes": n}


def too_many_registrations(seconds: float) -> str:
    n = minutes(seconds)
    return ngettext(
        "Too many accounts have been registered from your network. Please try again in %(minutes)s minute.",
        "Too many accounts have been registered from your network. Please try again in %(minutes)s minutes.",
        n) % {"minutes": n}

