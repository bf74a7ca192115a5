import pytest
from factories import MemberFactory

from luntan.letters import services


@pytest.fixture
def third_member(db):
    return MemberFactory()


@pytest.fixture
def talk(member, other_member):
    """A conversation started by `member` with `other_member`: returns its first message."""
    return services.conversation_start(author=member, recipients=other_member.username, title="周末一起吃饭吗",
                                       source="周六中午老地方？", fmt="bbcode")


def unread(member) -> int:
    member.refresh_from_db()
    return member.unread_messages
