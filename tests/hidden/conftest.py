"""Fixtures for hidden and paid content: the site's coin, credits through the ledger, and threads whose opening
post has a part with a condition."""

import pytest
from django.conf import settings
from django.core.cache import cache

from luntan.core import localcache
from luntan.credits.models import CreditType, Operation, Wallet
from luntan.credits.services import Change, credit_apply
from luntan.forum import services as forum_services

SECRET = "秘密口令青龙偃月刀"


@pytest.fixture(autouse=True)
def _commits(monkeypatch):
    """What runs after commit (the kept pages' bumps) runs at once: these tests' requests never commit."""
    monkeypatch.setattr("luntan.core.pagecache.transaction.on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def coin(db) -> CreditType:
    """财富 (slot 1), the trade currency paid content is priced in."""
    return CreditType.objects.get(slot=1)


@pytest.fixture
def give(coin):
    def apply(member, amount: int) -> None:
        credit_apply(changes=[Change(member.pk, coin.pk, amount)], operation=Operation.ADJUST)

    return apply


@pytest.fixture
def balance(coin):
    def read(member) -> int:
        found = Wallet.objects.filter(member=member, credit_type=coin).values_list("balance", flat=True).first()
        return coin.initial if found is None else found

    return read


@pytest.fixture
def hidden_thread(board, member):
    """hidden_thread(tag="hide", fmt="bbcode", by=member): a thread whose floor 1 hides SECRET in [tag]...[/tag]
    between two public sentences; returns floor 1."""

    def make(tag: str = "hide", *, fmt: str = "bbcode", by=None, title: str = "分享一个小技巧"):
        name = tag.split("=")[0]
        source = f"公开的开头。\n[{tag}]{SECRET}[/{name}]\n公开的结尾。"
        return forum_services.thread_create(author=by or member, board=board, title=title, source=source, fmt=fmt)

    return make


def assert_kept_nowhere(secret: str) -> None:
    """No kept page (after at least one was kept), no kept fragment and no value of the shared cache holds
    `secret`: a dict of pickles under locmem (the SQLite run), this run's keys in Redis (the PostgreSQL run)."""
    kept = [value for value, _size in localcache.pages._data.values()]
    assert kept  # the page was kept
    for content, _parts in kept:
        assert secret.encode() not in content
    for value, _size in localcache.fragments._data.values():  # the floors' kept text too
        assert secret not in str(value)
    shared = getattr(cache, "_cache", None)
    for value in shared.values() if isinstance(shared, dict) else []:
        assert not isinstance(value, bytes) or secret.encode() not in value
    if shared is not None and hasattr(shared, "get_client"):
        client = shared.get_client(write=False)
        prefix = settings.CACHES["default"].get("KEY_PREFIX") or ""
        for key in client.scan_iter(match=f"{prefix}:*" if prefix else "*"):
            value = client.get(key)
            assert not isinstance(value, bytes) or secret.encode() not in value
