"""Fixtures for every app's tests."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from factories import MemberFactory

from luntan.core import counters, localcache, presence


def _clear_cache() -> None:
    config = settings.CACHES["default"]
    prefix = config.get("KEY_PREFIX")
    if "redis" in config["BACKEND"].lower() and prefix:
        # A shared Redis: remove this run's keys only (cache.clear() would empty the whole database).
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no cached page, online list or counter leaks between tests,
    neither from the shared cache nor from this process's own memory of it."""
    _clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    presence.forget_local()
    counters.forget_local()
    yield


@pytest.fixture
def member(db):
    """A member with a Chinese name in the default group; the password is factories.PASSWORD."""
    return MemberFactory()


@pytest.fixture
def client_member(member) -> Client:
    """A client logged in as `member`."""
    client = Client()
    client.force_login(member)
    return client
