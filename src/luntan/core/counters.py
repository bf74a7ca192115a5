"""Counts buffered in the shared cache and added to the database in batches (thread views here, attachment
downloads in luntan.attachments), so that reading a thread or fetching a file never takes a row lock."""

import threading
import time

from django.core.cache import cache

from luntan.core.presence import cache_lock


class SharedCounts:
    """Counts by id kept in the shared cache, which every worker adds to and a flusher takes in batches
    (thread views, attachment downloads): counting never writes to the database."""

    def __init__(self, prefix: str, *, add_wait: float) -> None:
        self.prefix, self.add_wait = prefix, add_wait  # add_wait: how long a counting request may wait
        self.dirty_key, self.lock_key = f"{prefix}:dirty", f"{prefix}:lock"

    def count_key(self, item_id: int) -> str:
        return f"{self.prefix}:{item_id}"

    def _flag_key(self, item_id: int) -> str:
        return f"{self.prefix}:flag:{item_id}"

    def add(self, item_id: int, n: int = 1) -> None:
        key = self.count_key(item_id)
        cache.add(key, 0, None)
        try:
            cache.incr(key, n)
        except ValueError:  # evicted between add and incr: start again
            cache.set(key, n, None)
        # The item joins the dirty set once per flush: the set is changed under a lock only then.
        if cache.add(self._flag_key(item_id), 1, None):
            with cache_lock(self.lock_key, wait=self.add_wait) as locked:  # never keep a reader waiting long
                if locked:
                    dirty = cache.get(self.dirty_key) or set()
                    dirty.add(item_id)
                    cache.set(self.dirty_key, dirty, None)
                else:
                    cache.delete(self._flag_key(item_id))

    def take(self) -> dict[int, int]:
        """Takes the buffered counts. Order matters: swap the dirty set, drop the flags, then read and
        subtract, so a count added meanwhile is either read now or flags its item again."""
        with cache_lock(self.lock_key, wait=2.0) as locked:
            if not locked:
                return {}
            dirty = cache.get(self.dirty_key) or set()
            cache.set(self.dirty_key, set(), None)
        if not dirty:
            return {}
        cache.delete_many([self._flag_key(i) for i in dirty])
        counts = cache.get_many([self.count_key(i) for i in dirty])
        taken: dict[int, int] = {}
        for item_id in dirty:
            n = int(counts.get(self.count_key(item_id)) or 0)
            if n > 0:
                cache.decr(self.count_key(item_id), n)
                taken[item_id] = n
        return taken

    def give_back(self, taken: dict[int, int]) -> None:
        """Returns counts taken that could not be written: the next flush writes them."""
        for item_id, n in taken.items():
            if n > 0:
                self.add(item_id, n)


VIEWS = SharedCounts("views", add_wait=0.02)
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
        VIEWS.add(tid, n)


def push_local() -> None:
    """Hands this process's counts over now (before a flush, at exit, in tests)."""
    with _local_lock:
        batch = dict(_local)
        _local.clear()
        _last_push[0] = time.monotonic()
    for tid, n in batch.items():
        VIEWS.add(tid, n)


def take_views() -> dict[int, int]:
    push_local()
    return VIEWS.take()


def give_back(taken: dict[int, int]) -> None:
    """Returns counts taken by take_views() that could not be written: the next flush writes them."""
    VIEWS.give_back(taken)


def forget_local() -> None:
    """Drops this process's unpushed counts (a new test)."""
    with _local_lock:
        _local.clear()
