"""Counts buffered in the shared cache (thread views, online time) and the functions that write them to
the database, registered by the app that owns each buffer, as author-card rows are (accounts.cards).

gunicorn's master (luntan.core.gunicorn_conf) and `luntan writebuffers` call `write_all()`; core then
needs to know nothing of the apps whose counts it carries."""

from collections.abc import Callable

Flusher = Callable[[], int]
_flushers: dict[str, Flusher] = {}


def register_flusher(name: str, flusher: Flusher) -> Flusher:
    """`flusher()` writes one buffer to the database and returns how many rows it changed. A flusher that
    fails must leave its counts in the cache (or put them back) for the next round."""
    _flushers[name] = flusher
    return flusher


def flushers() -> dict[str, Flusher]:
    return dict(_flushers)


def write_all() -> dict[str, int]:
    """Writes every registered buffer; returns {name: rows changed}. One buffer failing does not keep the
    others from being written: the first error is raised once all have been tried, naming the others."""
    done: dict[str, int] = {}
    failed: list[tuple[str, Exception]] = []
    for name, flusher in _flushers.items():
        try:
            done[name] = flusher()
        except Exception as error:
            failed.append((name, error))
    if failed:
        first = failed[0][1]
        first.add_note("buffers not written: " + ", ".join(name for name, _ in failed))
        raise first
    return done
