"""Fixtures for hidden and paid content: the site's coin, credits through the ledger, and threads whose opening
post has a part with a condition."""

import pytest

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
