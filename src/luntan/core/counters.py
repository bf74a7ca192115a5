"""View counts, buffered in the cache and added to the database in batches, so that reading a thread
never takes a row lock."""

import threading
import time

from django.core.cache import cache

from luntan.core.presence import cache_lock

DIRTY_KEY = "views:dirty"
LOCK_KEY = "views:lock"


def _count_key(thread_id: int) -> str:
    return f"views:{thread_id}"


_local: dict[int, int] = {}
_local_lock = threading.Lock()
_last_push = [time.monotonic()]
PUSH_SECONDS = 5.0


def count_view(thread_id: int) -> None:
    """Counts in process memory and hands the sums to the shared cache every few seconds: a page view
    then costs a dictionary update, not three cache writes."""
    with _local_lock:
        _local[thread_id] = _local.get(thread_id, 0) + 1
        if time.monotonic() - _last_push[0] < PUSH_SECONDS:
            return
        batch = dict(_local)
        _local.clear()
        _last_push[0] = time.monotonic()
    for tid, n in batch.items():
        _add_shared(tid, n)


def push_local() -> None:
    """Hands this process's counts over now (before a flush, at exit, in tests)."""
    with _local_lock:
        batch = dict(_local)
        _local.clear()
        _last_push[0] = time.monotonic()
    for tid, n in batch.items():
        _add_shared(tid, n)


def _add_shared(thread_id: int, n: int) -> None:
    key = _count_key(thread_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key, n)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, n, None)
    # The thread joins the dirty set once per flush: the set is changed under a lock only then.
    if cache.add(f"views:flag:{thread_id}", 1, None):
        with cache_lock(LOCK_KEY, wait=0.02) as locked:  # never keep a reader waiting
            if locked:
                dirty = cache.get(DIRTY_KEY) or set()
                dirty.add(thread_id)
                cache.set(DIRTY_KEY, dirty, None)
            else:
                cache.delete(f"views:flag:{thread_id}")


def take_views() -> dict[int, int]:
    """Takes the buffered counts. Order matters: swap the dirty set, drop the flags, then read and
    subtract, so a view counted meanwhile is either read now or flags its thread again."""
    push_local()
    with cache_lock(LOCK_KEY, wait=2.0) as locked:
        if not locked:
            return {}
        dirty = cache.get(DIRTY_KEY) or set()
        cache.set(DIRTY_KEY, set(), None)
    if not dirty:
        return {}
    cache.delete_many([f"views:flag:{tid}" for tid in dirty])
    counts = cache.get_many([_count_key(tid) for tid in dirty])
    taken: dict[int, int] = {}
    for tid in dirty:
        n = int(counts.get(_count_key(tid)) or 0)
        if n > 0:
            cache.decr(_count_key(tid), n)
            taken[tid] = n
    return taken


def give_back(taken: dict[int, int]) -> None:
    """Returns counts taken by take_views() that could not be written: the next flush writes them."""
    for tid, n in taken.items():
        if n > 0:
            _add_shared(tid, n)


def forget_local() -> None:
    """Drops this process's unpushed counts (a new test)."""
    with _local_lock:
        _local.clear()
