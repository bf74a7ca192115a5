"""The generation number in a file mapped by every process (a site on one machine): a bump in one process is
seen by the next request of every other, and a request reads it without asking the shared cache."""

import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from helpers import cache_reads, clear_cache

from luntan.core import generation, pagecache


@pytest.fixture
def mapped(settings, tmp_path):
    """This process's generation in a file of the test's own, as on a site with the disk cache."""
    settings.GENERATION_FILE = str(tmp_path / "generation")
    clear_cache()
    yield tmp_path / "generation"
    settings.GENERATION_FILE = None
    clear_cache()


def _bump_in_another_process(path, *scopes: str) -> None:
    """What bump_now does in another worker: the versions into the shared cache, then the number into the file,
    written by a process of its own through a mapping of its own."""
    cache.set_many({f"ver:{s}": time.time_ns() for s in scopes}, None)
    subprocess.run([sys.executable, "-c", (
        "import mmap, os, struct, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "m = mmap.mmap(fd, 8)\n"
        "struct.pack_into('<Q', m, 0, time.time_ns())\n"), str(path)], check=True)


def test_a_bump_in_another_process_is_seen_by_the_next_request(mapped):
    before = pagecache.versions("thread:7", "board:2")
    _bump_in_another_process(mapped, "thread:7")
    assert pagecache.versions("thread:7", "board:2") == before  # this request keeps what it read
    pagecache.new_request()
    after = pagecache.versions("thread:7", "board:2")
    assert after.split(".")[0] != before.split(".")[0]
    assert after.split(".")[1] == before.split(".")[1]


def test_without_a_bump_a_change_in_the_cache_is_not_read_again(mapped):
    # The remembered versions hold while the number stays: the cache itself is not asked.
    before = pagecache.versions("thread:7")
    cache.set("ver:thread:7", 1, None)
    pagecache.new_request()
    assert pagecache.versions("thread:7") == before


def test_a_request_reads_the_generation_from_memory_not_the_cache(mapped, monkeypatch):
    first = pagecache.versions("thread:7", "moderators")
    pagecache.new_request()
    asked = cache_reads(monkeypatch)
    assert pagecache.versions("thread:7", "moderators") == first
    assert asked == []


def test_this_process_bumps_the_file_and_two_mappings_agree(mapped):
    seen = generation.shared()
    assert seen is not None
    before = seen.read()
    pagecache.bump_now("thread:7")
    other = generation.SharedNumber(mapped)  # another mapping of the same file, as another worker has
    assert other.read() == seen.read() != before
    assert cache.get(pagecache.GENERATION) is None  # the file, not the cache, carries it


def test_with_redis_or_the_test_cache_there_is_no_file(settings):
    settings.GENERATION_FILE = None
    assert generation.shared() is None
