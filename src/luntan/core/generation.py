"""The generation number (luntan.core.pagecache.GENERATION) kept in a small file that every process maps into
memory, for a site on one machine (settings.GENERATION_FILE, set with the disk cache). Every request reads the
generation once to know whether the versions its process remembers still hold: from mapped memory that read
takes about a microsecond, from the disk cache it was about 7 % of a guest's thread page.

A bump writes the new number after the versions it moves are in the cache, so a process that sees the number
change reads versions at least as new. A read that meets a write half done sees some number it did not have,
and reads the versions again: never a reason to keep an old one."""

import mmap
import os
import struct
import threading
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed

_FORMAT = "<Q"
_SIZE = struct.calcsize(_FORMAT)


class SharedNumber:
    """An unsigned 64-bit number in a file mapped by every process of the machine (MAP_SHARED)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:
                os.ftruncate(fd, _SIZE)  # zeros: every process that races here writes the same
            self._map = mmap.mmap(fd, _SIZE)  # the mapping keeps the file open
        finally:
            os.close(fd)

    def read(self) -> int:
        return struct.unpack_from(_FORMAT, self._map)[0]

    def write(self, value: int) -> None:
        struct.pack_into(_FORMAT, self._map, 0, value & 0xFFFF_FFFF_FFFF_FFFF)


_shared: list[SharedNumber | None] = []
_lock = threading.Lock()


def shared() -> SharedNumber | None:
    """The machine's generation number, or None where the generation lives in the shared cache (Redis)."""
    if not _shared:
        with _lock:
            if not _shared:
                path = getattr(settings, "GENERATION_FILE", None)
                _shared.append(SharedNumber(Path(path)) if path else None)
    return _shared[0]


def _forget(*, setting: str, **_kwargs) -> None:
    if setting in ("GENERATION_FILE", "CACHES"):
        _shared.clear()


setting_changed.connect(_forget)
