"""A small in-process LRU cache for values addressed by their content or version.

A key here always names one exact version of a thing (a page under its version number, a floor under
its edit time and its author's card figures), so a process may keep its own copy without ever needing to
be told that it changed: a change makes a new key. That saves the round trip to Redis or the disk cache
on the hottest paths."""

import threading
from collections import OrderedDict


class LocalLRU:
    def __init__(self, *, max_items: int, max_bytes: int):
        self.max_items, self.max_bytes = max_items, max_bytes
        self._data: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    def set(self, key: str, value, size: int) -> None:
        if size > self.max_bytes // 8:
            return  # one huge value must not push out everything else
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            while len(self._data) > self.max_items or self._bytes > self.max_bytes:
                _, (_, dropped) = self._data.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)


pages = LocalLRU(max_items=2000, max_bytes=64 * 2**20)
fragments = LocalLRU(max_items=20000, max_bytes=64 * 2**20)
