"""SQLite, with writers queued by the operating system instead of by SQLite's busy handler.

Every `atomic()` block begins with BEGIN IMMEDIATE (settings: transaction_mode), which takes the database's
write lock. A writer that finds it taken is put to sleep by SQLite's busy handler in growing steps (up to
100 ms each) and then polls again: at the midnight check-in rush, sixteen writers waiting that way spent
most of their time asleep while the lock was free. Here each transaction first takes an exclusive flock()
on a file beside the database; the kernel wakes the next waiter the moment the holder commits, and SQLite's
own lock is then always free. Reads outside transactions take neither lock (WAL).

Its cursor also remembers each statement's text as SQLite takes it: Django rewrites the placeholders (%s to ?)
with a regular expression on every execute, 50 µs for the member's row read on every page a member opens
(1,600 characters), where running the query itself takes 13 µs."""

import fcntl
import os

from django.db.backends.sqlite3 import base

# Statement as Django writes it -> as SQLite takes it. The ORM makes a bounded number of statement shapes (the
# values are parameters); the bound keeps a stray stream of raw SQL from growing it without end.
_converted: dict[str, str] = {}
MAX_CONVERTED = 4096


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is not None:  # "pyformat" style: rare, and the names differ per call
            return super().convert_query(query, param_names=param_names)  # type: ignore[misc] # not in the stubs
        found = _converted.get(query)
        if found is None:
            found = super().convert_query(query)  # type: ignore[misc] # not in the stubs
            if len(_converted) >= MAX_CONVERTED:
                _converted.clear()
            _converted[query] = found
        return found


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    _lock_held = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name or name.startswith("file:"):
            return None
        return f"{name}.writelock"

    def _acquire(self) -> None:
        path = self._lock_path()
        if path is None or self._lock_held:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._lock_held = True

    def _release(self) -> None:
        if self._lock_held and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._lock_held = False

    def _start_transaction_under_autocommit(self):
        self._acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
