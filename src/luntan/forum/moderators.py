"""Who moderates which board, as one small map read once per change and kept in the cache and in each
process's memory: "is this reader a moderator here?" on a thread page then costs no query, and a board
may have any number of moderators (the relation, Board.moderators, is the only record of them).

board_moderators_set bumps the "moderators" version after commit; the map is kept under that version,
so a process never needs to be told that its copy is stale: the next read names a new key."""

from luntan.core import pagecache
from luntan.forum.models import Board

SCOPE = "moderators"

ModeratorMap = dict[int, tuple[frozenset[int], tuple[str, ...]]]
_EMPTY: tuple[frozenset[int], tuple[str, ...]] = (frozenset(), ())


def _read() -> ModeratorMap:
    rows = (Board.moderators.through.objects
            .order_by("board_id", "member__username", "member_id")
            .values_list("board_id", "member_id", "member__username"))
    found: dict[int, tuple[list[int], list[str]]] = {}
    for board_id, uid, name in rows:
        ids, names = found.setdefault(board_id, ([], []))
        ids.append(uid)
        names.append(name)
    return {board_id: (frozenset(ids), tuple(names)) for board_id, (ids, names) in found.items()}


def board_moderators() -> ModeratorMap:
    """{board id: (moderator UIDs, their names in name order)} for every board that has moderators."""
    return pagecache.kept_table(SCOPE, _read, size=16384)


def moderators_of(board_id: int) -> tuple[frozenset[int], tuple[str, ...]]:
    return board_moderators().get(board_id, _EMPTY)
