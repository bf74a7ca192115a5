"""The forum's tests share the root fixtures (tests/conftest.py); `make_member` names a member for a test
that needs several."""

import pytest
from conftest import signed_in  # noqa: F401 - re-exported for the forum's tests
from factories import MemberFactory

from luntan.accounts.models import Member


@pytest.fixture
def make_member(db):
    def make(name: str | None = None, **extra) -> Member:
        return MemberFactory(**({"username": name} if name else {}), **extra)

    return make


@pytest.fixture
def author(member) -> Member:
    """The member who opens make_thread's threads."""
    return member
