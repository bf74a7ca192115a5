"""Helpers for tests in every app (conftest.py modules cannot be imported by name: there are several)."""

import functools
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import Client


def clear_cache() -> None:
    cache.clear()  # on a shared Redis, this run's keys only (see _clear_own_keys)
    from luntan.core import pagecache

    pagecache.new_request()  # the versions this process remembers went with the cache


def _clear_own_keys(self) -> None:
    """RedisCache.clear() for the tests: Django's empties the whole database, which is shared by the suite's
    workers, and one worker's clear would empty the others' caches in the middle of their tests."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    client = self._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def keep_workers_caches_apart() -> None:
    if settings.CACHES["default"].get("KEY_PREFIX"):
        RedisCache.clear = _clear_own_keys


def cache_reads(monkeypatch) -> list[str]:
    """The keys the shared cache is asked for from now on (get and get_many), in order."""
    asked: list[str] = []
    real_get, real_get_many = cache.get, cache.get_many
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k))
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **k: asked.extend(keys) or real_get_many(keys, *a, **k))
    return asked


def signed_in(member) -> Client:
    """A client logged in as `member`."""
    client = Client()
    client.force_login(member)
    return client


def economy_defaults() -> None:
    """The rows the data migrations make (member groups, credit types, medals, items, the wheel, the check-in
    settings...), again: a transactional test flushes the tables, and the tests after it find them empty.
    Idempotent (the migrations use get_or_create)."""
    from django.apps import apps

    for create in _data_migrations():
        create(apps, None)
    clear_cache()


@functools.cache
def _data_migrations() -> tuple[Callable, ...]:
    """The project's RunPython steps that make rows, in the order `migrate` runs them, found in the migration
    graph so that a new app's rows are put back too: the elidable ones only fill in rows that exist."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan: dict[tuple[str, str], None] = {}
    for leaf in graph.leaf_nodes():
        plan.update(dict.fromkeys(graph.forwards_plan(leaf)))
    steps = []
    for key in plan:
        migration = graph.nodes[key]
        if type(migration).__module__.startswith("luntan."):
            steps += [op.code for op in migration.operations if isinstance(op, RunPython) and not op.elidable]
    return tuple(steps)


def bump_at_once(monkeypatch) -> None:
    """For tests inside one transaction that never commits: pages' and tables' versions move at once, as the
    commit of a real request would move them (luntan.core.pagecache.bump waits for the commit)."""
    from luntan.core import pagecache

    monkeypatch.setattr(pagecache, "bump", pagecache.bump_now)


class Clock:
    """A clock the tests move by hand, put in place of a module's `now` with monkeypatch. It starts at
    1,800,000,000 (2027-01-15 08:00 UTC, 16:00 in Shanghai), the start of a minute, of an hour and so of every
    rate-limit period."""

    START = 1_800_000_000.0

    def __init__(self) -> None:
        self.time = self.START

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds

    def at(self) -> datetime:
        return datetime.fromtimestamp(self.time, UTC)


def page_queries(client: Client, url: str, *, cold: bool) -> int:
    """How many SQL queries a page costs: `cold`, with every cache emptied first (rendered afresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luntan.core import localcache

    if cold:
        clear_cache()
        localcache.pages.clear()
        localcache.fragments.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


T = TypeVar("T")


def at_once(action: Callable[[], T], times: int) -> tuple[list[T], list[BaseException]]:
    """Runs `action` in `times` threads released together, as that many requests arriving at once, each with
    its own database connection (closed after); returns what they returned and what they raised."""
    from django.db import connection

    start = threading.Barrier(times)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # noqa: BLE001 - given back to the test
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(times)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors

