import pytest
from helpers import bump_at_once

from luntan.forum import services
from luntan.forum.models import Board, ThreadType


@pytest.fixture
def sister_board(board, moderator) -> Board:
    """A second board in `board`'s category, also moderated by `moderator`."""
    sister = Board.objects.create(category=board.category, name="闲聊茶馆")
    services.board_moderators_set(board=sister, members=[moderator])
    return sister


@pytest.fixture
def kinds(board):
    """Two thread types of `board`."""
    return [ThreadType.objects.create(board=board, name="求助", order=1),
            ThreadType.objects.create(board=board, name="分享", order=2)]


@pytest.fixture(autouse=True)
def _bumps_at_once(monkeypatch):
    """These tests run inside one transaction that never commits: the pages' versions move at once instead
    of after commit, as they would for a reader after each action."""
    bump_at_once(monkeypatch)
