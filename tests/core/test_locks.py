"""The cache lock that guards the shared online map and the dirty set of view counts."""

import time

import pytest
from django.core.cache import cache

from luntan.core import presence
from luntan.core.presence import cache_lock


@pytest.fixture(params=["configured", "disk"])
def any_cache(request, tmp_path, settings):
    """The tests' cache (memory, or Redis when REDIS_URL is set), and the disk cache of a one-machine site."""
    if request.param == "disk":
        settings.CACHES = {"default": {"BACKEND": "luntan.core.diskcache_backend.DiskCache",
                                       "LOCATION": str(tmp_path / "cache"), "SHARDS": 2}}
    yield request.param


def test_only_one_holder_at_a_time(any_cache):
    with cache_lock("lock:test", wait=0) as first:
        with cache_lock("lock:test", wait=0) as second:
            assert (first, second) == (True, False)
    with cache_lock("lock:test", wait=0) as again:
        assert again  # released on exit


def test_a_holder_whose_lock_expired_does_not_release_the_next_holders_lock(any_cache):
    """A takes the lock and outlives it; B takes it; A finishes: B must still hold it, or a third process
    could take it beside B."""
    a = cache_lock("lock:test", wait=0, expire=1)
    assert a.__enter__()
    time.sleep(1.2)  # A's lock expires in the cache
    b = cache_lock("lock:test", wait=0, expire=30)
    assert b.__enter__()

    a.__exit__(None, None, None)

    with cache_lock("lock:test", wait=0) as third:
        assert not third
    b.__exit__(None, None, None)
    with cache_lock("lock:test", wait=0) as after_b:
        assert after_b


def test_only_the_holders_own_token_is_released(any_cache):
    """However the lock came to be someone else's, a holder deletes it only while it holds its own token."""
    a = cache_lock("lock:test", wait=0, expire=30)
    assert a.__enter__()
    cache.set("lock:test", 12345, 30)  # someone else's token now
    a.__exit__(None, None, None)
    assert cache.get("lock:test") == 12345


@pytest.mark.django_db
def test_the_presence_lock_is_released_after_noting_a_member(member):
    presence._note_member(member.pk, member.username, time.time())
    assert cache.get(presence.LOCK_KEY) is None
