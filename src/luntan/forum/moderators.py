"""Who moderates which board, and what each group may do on each board, as one small table read once per
change in ONE query and kept in the cache and in each process's memory: "is this reader a moderator here?"
and "may this group read this board?" then cost no query on a page, and a board may have any number of
moderators (the relation, Board.moderators, is the only record of them).

board_moderators_set bumps the "moderators" version, board_access_set the "board_access" version (and
saving or removing a board both, since the table knows each board's parent), after commit; the table is
kept under both versions, so a process never needs to be told that its copy is stale: the next read names
a new key."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import BooleanField, CharField, IntegerField, Value

from luntan.core import localcache, pagecache
from luntan.forum.models import Board, BoardAccess

SCOPE = "moderators"
ACCESS_SCOPE = "board_access"

ModeratorMap = dict[int, tuple[frozenset[int], tuple[str, ...]]]
_EMPTY: tuple[frozenset[int], tuple[str, ...]] = (frozenset(), ())

# (can_see, can_read, can_post, can_reply, needs_approval) of one group on one board
Rule = tuple[bool, bool, bool, bool, bool]


@dataclass(frozen=True)
class BoardTable:
    moderators: ModeratorMap
    parents: dict[int, int | None]  # every board: its parent board, or None for a top board
    rules: dict[tuple[int, int], Rule]  # (board id, group id): the row of BoardAccess, where there is one
    hidden: dict[int, frozenset[int]]  # group id: the boards it may not see, with their sub-boards


_BOARD, _MODERATOR, _RULE = 0, 1, 2


def _read() -> BoardTable:
    """Boards, moderators and permission rows in one UNION ALL: each row says what it is in its first column."""
    no = Value(False, output_field=BooleanField())
    blank = Value("", output_field=CharField())
    boards = Board.objects.order_by().values_list(
        Value(_BOARD, output_field=IntegerField()), "id", "parent_id", blank, no, no, no, no, no)
    moderators = Board.moderators.through.objects.order_by().values_list(
        Value(_MODERATOR, output_field=IntegerField()), "board_id", "member_id", "member__username", no, no, no, no, no)
    rules = BoardAccess.objects.order_by().values_list(
        Value(_RULE, output_field=IntegerField()), "board_id", "group_id", blank,
        "can_see", "can_read", "can_post", "can_reply", "needs_approval")
    parents: dict[int, int | None] = {}
    appointed: dict[int, list[tuple[str, int]]] = {}
    found: dict[tuple[int, int], Rule] = {}
    for kind, board_id, other, name, *flags in boards.union(moderators, rules, all=True):
        if kind == _BOARD:
            parents[board_id] = other
        elif kind == _MODERATOR:
            appointed.setdefault(board_id, []).append((name, other))
        else:
            see, read, post, reply, approval = (bool(f) for f in flags)
            found[(board_id, other)] = (see, read, post, reply, approval)
    mods: ModeratorMap = {}
    for board_id, pairs in appointed.items():
        pairs.sort()
        mods[board_id] = (frozenset(uid for _, uid in pairs), tuple(name for name, _ in pairs))
    hidden: dict[int, set[int]] = {}
    for (board_id, group_id), rule in found.items():
        if not rule[0]:
            hidden.setdefault(group_id, set()).add(board_id)
    for boards_hidden in hidden.values():
        boards_hidden |= {b for b, parent in parents.items() if parent in boards_hidden}
    return BoardTable(moderators=mods, parents=parents, rules=found,
                      hidden={g: frozenset(b) for g, b in hidden.items()})


def board_table() -> BoardTable:
    """The table, kept under both versions (one round trip to the cache for the two)."""
    key = f"table:boards:{pagecache.table_versions(SCOPE, ACCESS_SCOPE)}"
    table = localcache.fragments.get(key)
    if table is None:
        table = cache.get(key)
        if table is None:
            table = _read()
            cache.set(key, table, pagecache.KEPT_SECONDS)
        localcache.fragments.set(key, table, 65536)
    return table


def board_moderators() -> ModeratorMap:
    """{board id: (moderator UIDs, their names in name order)} for every board that has moderators."""
    return board_table().moderators


def moderators_of(board_id: int) -> tuple[frozenset[int], tuple[str, ...]]:
    return board_moderators().get(board_id, _EMPTY)
