"""Versions of kept things: a process remembers the versions it read until the generation moves, and a bump
made by another process (which moves the generation) is seen by this process's next request."""

import time

import pytest
from django.core.cache import cache
from helpers import cache_reads

from luntan.core import pagecache


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    pagecache.new_request()
    yield
    cache.clear()
    pagecache.new_request()


def _bump_elsewhere(*scopes: str) -> None:
    """What bump_now does in another process: this process's memory of the generation is left alone."""
    cache.set_many({f"ver:{s}": time.time_ns() for s in scopes}, None)
    cache.set(pagecache.GENERATION, time.time_ns(), None)


def test_a_second_request_reads_only_the_generation(monkeypatch):
    first = pagecache.versions("thread:7", "moderators")
    pagecache.new_request()
    asked = cache_reads(monkeypatch)

    assert pagecache.versions("thread:7", "moderators") == first
    assert asked == [pagecache.GENERATION]


def test_a_bump_in_another_process_is_seen_by_the_next_request():
    before = pagecache.versions("thread:7", "board:2")
    _bump_elsewhere("thread:7")
    pagecache.new_request()

    after = pagecache.versions("thread:7", "board:2")
    assert after != before
    assert after.split(".")[1] == before.split(".")[1]  # the board was not bumped


def test_a_bump_in_this_process_is_seen_at_once():
    before = pagecache.versions("thread:7")
    pagecache.bump_now("thread:7")
    assert pagecache.versions("thread:7") != before


def test_remembered_versions_stay_bounded(monkeypatch):
    monkeypatch.setattr(pagecache, "MAX_REMEMBERED_SCOPES", 10)
    for n in range(50):
        pagecache.versions(f"thread:{n}")
    assert len(pagecache._scope_versions) <= 11
