"""Who stands where among the site's staff, for the apps that act on members (reports, warnings, bans):
管理员 and 超级版主 everywhere, 版主 on their own boards (and their sub-boards). Every answer comes from
kept tables (groups, the moderator map): no query."""

from luntan.forum import permissions
from luntan.forum.models import Board
from luntan.forum.moderators import board_moderators

ADMIN, SUPER_MODERATOR, BOARD_MODERATOR, MEMBER = 3, 2, 1, 0


def _active(member) -> bool:
    return bool(member is not None and member.is_authenticated and member.is_active)


# The roles themselves are forum.permissions' (the one place they are decided).
is_admin = permissions.is_admin
is_site_moderator = permissions.is_super_moderator  # an administrator or a super moderator: every board


def moderates(member, board: Board) -> bool:
    return permissions.is_moderator(member, board)


def appointed_board_ids(member) -> frozenset[int]:
    """The boards a member was appointed to moderate (their sub-boards are theirs too)."""
    if not _active(member):
        return frozenset()
    return frozenset(bid for bid, (ids, _names) in board_moderators().items() if member.pk in ids)


def moderates_anything(member) -> bool:
    return is_site_moderator(member) or bool(appointed_board_ids(member))


def rank(member) -> int:
    if is_admin(member):
        return ADMIN
    if is_site_moderator(member):
        return SUPER_MODERATOR
    return BOARD_MODERATOR if appointed_board_ids(member) else MEMBER


def outranks(actor, member) -> bool:
    """Whether `actor` may discipline `member`: only someone of a higher standing, never oneself."""
    return actor.pk != member.pk and rank(actor) > rank(member)
