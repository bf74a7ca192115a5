"""Helpers for tests in every app (conftest.py modules cannot be imported by name: there are several)."""

from django.conf import settings
from django.core.cache import cache
from django.test import Client


def clear_cache() -> None:
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


def signed_in(member) -> Client:
    """A client logged in as `member`."""
    client = Client()
    client.force_login(member)
    return client
