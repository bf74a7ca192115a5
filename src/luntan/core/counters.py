"""View counts, buffered in the cache and added to the database in batches, so that reading a thread
never takes a row lock."""

from django.core.cache import cache

from luntan.core.presence import cache_lock

DIRTY_KEY = "views:dirty"
LOCK_KEY = "views:lock"


def _count_key(thread_id: int) -> str:
    return f"views:{thread_id}"


def count_view(thread_id: int) -> None:
    key = _count_key(thread_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, None)
    # The thread joins the dirty set once per flush: the set is changed under a lock only then.
    if cache.add(f"views:flag:{thread_id}", 1, None):
        with cache_lock(LOCK_KEY, wait=0.5) as locked:
            if locked:
                dirty = cache.get(DIRTY_KEY) or set()
                dirty.add(thread_id)
                cache.set(DIRTY_KEY, dirty, None)
            else:
                cache.delete(f"views:flag:{thread_id}")


def take_views() -> dict[int, int]:
    """Takes the buffered counts. Order matters: swap the dirty set, drop the flags, then read and
    subtract, so a view counted meanwhile is either read now or flags its thread again."""
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
