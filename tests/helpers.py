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


def economy_defaults() -> None:
    """The member groups, credit types, medals and items the data migrations make, again: a transactional
    test flushes the tables, and the tests after it find them empty. Idempotent (the migrations use get_or_create)."""
    import importlib

    from django.apps import apps

    for module, function in (
            ("luntan.accounts.migrations.0002_default_groups", "create_groups"),
            ("luntan.accounts.migrations.0004_membergroup_role", "set_roles"),
            ("luntan.accounts.migrations.0006_level_thresholds", "set_levels"),
            ("luntan.credits.migrations.0002_classic_economy", "create"),
            ("luntan.medals.migrations.0002_default_medals", "create"),
            ("luntan.items.migrations.0002_default_items", "create"),
            ("luntan.wheel.migrations.0002_default_wheel", "create"),
            ("luntan.reactions.migrations.0002_default_moods", "create")):
        getattr(importlib.import_module(module), function)(apps, None)
    clear_cache()
