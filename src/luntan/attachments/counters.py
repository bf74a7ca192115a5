"""Downloads, counted in the shared cache and added to the attachments in batches (as thread views are,
luntan.core.counters): a download never writes to the database."""

from django.core.cache import cache

from luntan.core.presence import cache_lock

DIRTY_KEY = "attachdl:dirty"
LOCK_KEY = "attachdl:lock"


def _key(attachment_id: int) -> str:
    return f"attachdl:{attachment_id}"


def count_download(attachment_id: int, n: int = 1) -> None:
    key = _key(attachment_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key, n)
    except ValueError:  # evicted between add and incr
        cache.set(key, n, None)
    # The attachment joins the dirty set once per flush: the set is changed under a lock only then.
    if cache.add(f"attachdl:flag:{attachment_id}", 1, None):
        with cache_lock(LOCK_KEY, wait=0.05) as locked:
            if locked:
                dirty = cache.get(DIRTY_KEY) or set()
                dirty.add(attachment_id)
                cache.set(DIRTY_KEY, dirty, None)
            else:
                cache.delete(f"attachdl:flag:{attachment_id}")


def take_downloads() -> dict[int, int]:
    """Takes the buffered counts: swap the dirty set, drop the flags, then read and subtract, so a download
    counted meanwhile is either read now or flags its attachment again."""
    with cache_lock(LOCK_KEY, wait=2.0) as locked:
        if not locked:
            return {}
        dirty = cache.get(DIRTY_KEY) or set()
        cache.set(DIRTY_KEY, set(), None)
    if not dirty:
        return {}
    cache.delete_many([f"attachdl:flag:{aid}" for aid in dirty])
    counts = cache.get_many([_key(aid) for aid in dirty])
    taken: dict[int, int] = {}
    for aid in dirty:
        n = int(counts.get(_key(aid)) or 0)
        if n > 0:
            cache.decr(_key(aid), n)
            taken[aid] = n
    return taken


def give_back(taken: dict[int, int]) -> None:
    """Returns counts that could not be written: the next flush writes them."""
    for aid, n in taken.items():
        count_download(aid, n)
