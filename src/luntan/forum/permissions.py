"""Who may do what in the forum: one check per action, used by services (which enforce it), by views and
templates (which show or hide the button) and later by the API. Each check raises a PermissionDenied
whose message the member reads."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.accounts.models import MemberGroup
from luntan.forum.extensions import POSTING_CHECKS
from luntan.forum.models import Board, Floor, Thread
from luntan.forum.moderators import ACCESS_SCOPE as ACCESS_SCOPE  # bumped by board_access_set
from luntan.forum.moderators import board_moderators, board_table

_NOBODY: tuple[frozenset[int], tuple[str, ...]] = (frozenset(), ())



# --- Roles -----------------------------------------------------------------------------------------------------
# 管理员 everywhere (the site's settings too), 超级版主 on every board, 版主 on their boards and their sub-boards.
# Groups and moderators are kept in memory: none of these asks the database.

def _signed_in(member) -> bool:
    return bool(getattr(member, "is_authenticated", False) and member.is_active)


def is_admin(member) -> bool:
    """管理员: a superuser or staff account, or a member of the administrators' group."""
    if not _signed_in(member):
        return False
    return member.is_superuser or member.is_staff or rules_for(member).role == MemberGroup.Role.ADMIN


def is_super_moderator(member) -> bool:
    """Moderates every board: a 超级版主, and every 管理员 (who may do all that a 超级版主 may)."""
    return _signed_in(member) and (is_admin(member) or rules_for(member).role == MemberGroup.Role.SUPER_MODERATOR)


def is_moderator(member, board: Board) -> bool:
    """The one check of "may moderate here" for pages, actions and the API: the board's own moderators (a
    board's moderators also moderate its sub-boards), 超级版主 and 管理员."""
    if not _signed_in(member):
        return False
    if is_super_moderator(member):
        return True
    return _appointed_on(member, board.pk, board.parent_id)


def _appointed_on(member, board_id: int, parent_id: int | None) -> bool:
    appointed = board_moderators()
    return any(member.pk in appointed.get(bid, _NOBODY)[0] for bid in (board_id, parent_id) if bid)


def _require_member(member) -> None:
    if not member.is_authenticated:
        raise PermissionDenied(_("Please log in first."))
    if not member.is_active:
        raise PermissionDenied(_("Your account is disabled and cannot post."))
    if not rules_for(member).can_post:
        raise PermissionDenied(_("Your user group may not post."))
    for check in POSTING_CHECKS:
        if (refusal := check(member)) is not None:
            raise PermissionDenied(refusal)


class Hidden(PermissionDenied):
    """Refused as if it were not there: pages answer with the same 404 as for a missing thing, and name
    nothing of it (a hidden board, a deleted or waiting thread to a reader who may not see it)."""


def board_hidden_message() -> str:
    return _("This board does not exist, or you may not see it.")


def _may(member, board: Board) -> "Access":
    """What this reader may do on this board: everything for its moderators, else what their group may."""
    if is_moderator(member, board):
        return OPEN
    return board_access(member, board.pk)


def check_see_board(member, board: Board) -> None:
    """The board is in this reader's lists (home, sub-boards) and its page opens."""
    if not _may(member, board).can_see:
        raise Hidden(board_hidden_message())


def _refuse_reading(member) -> None:
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to read the threads of this board."))
    raise PermissionDenied(_("Your user group may not read the threads of this board."))


def check_read_board(member, board: Board) -> None:
    access = _may(member, board)
    if not access.can_see:
        raise Hidden(board_hidden_message())
    if not access.can_read:
        _refuse_reading(member)


def check_view_thread(member, thread: Thread) -> None:
    """Hidden board, deleted or waiting thread: Hidden (a 404); a board the reader sees but may not read:
    a PermissionDenied that says so."""
    check_read_board(member, thread.board)
    if thread.is_deleted and not is_moderator(member, thread.board):
        raise Hidden(_("This thread has been deleted."))
    if thread.is_closed and not is_moderator(member, thread.board):
        raise Hidden(_("This thread has been closed by a moderator."))
    if thread.is_waiting and not is_moderator(member, thread.board):
        raise Hidden(_("This thread is waiting for a moderator's approval."))


def check_reader_acts(member, thread: Thread, *, reading: bool = False) -> None:
    """The one check of "may this member act as a reader in this thread" (vote in its poll, give it a mood,
    like a floor): signed in and active, may read the thread (its board, and the thread itself), and not
    read-only (a ban, too many warnings). `reading`: asked for the thread page the member is reading, which
    has already checked that they may read it. What the thread's state allows (closed, locked, ended) is for
    each action to say."""
    if not member.is_authenticated:
        raise PermissionDenied(_("Please log in first."))
    if not member.is_active:
        raise PermissionDenied(_("Your account is disabled."))
    if not reading:
        check_view_thread(member, thread)
        access = board_access(member, thread.board_id)
        if not (access.can_see and access.can_read):
            raise PermissionDenied(_("You may not read this board."))
    for check in POSTING_CHECKS:  # a ban or too many warnings: read only
        if (refusal := check(member)) is not None:
            raise PermissionDenied(refusal)


def check_view_floor(member, floor: Floor) -> None:
    check_view_thread(member, floor.thread)
    if floor.is_waiting and not is_moderator(member, floor.thread.board):
        raise Hidden(_("This reply is waiting for a moderator's approval."))


def check_new_thread(member, board: Board) -> None:
    access = _may(member, board)
    if not access.can_see:
        raise Hidden(board_hidden_message())
    _require_member(member)
    if not access.can_post:
        raise PermissionDenied(_("Your user group may not post new threads in this board."))


def check_reply(member, thread: Thread) -> None:
    access = _may(member, thread.board)
    if not access.can_see:
        raise Hidden(board_hidden_message())
    _require_member(member)
    if not access.can_read:
        _refuse_reading(member)
    if thread.is_deleted:
        raise PermissionDenied(_("This thread has been deleted; replies are closed."))
    if thread.is_waiting:
        raise PermissionDenied(_("This thread is waiting for a moderator's approval; replies open once it is "
                                 "approved."))
    if thread.is_locked and not is_moderator(member, thread.board):
        raise PermissionDenied(_("This thread is locked; no new replies are accepted."))
    if not access.can_reply:
        raise PermissionDenied(_("Your user group may not reply in this board."))


def needs_approval(member, board: Board) -> bool:
    """Whether what this member posts on this board waits for a moderator (never a moderator's own)."""
    return not is_moderator(member, board) and board_access(member, board.pk).needs_approval


def check_edit_floor(member, floor: Floor) -> None:
    _require_member(member)
    check_read_board(member, floor.thread.board)
    moderator = is_moderator(member, floor.thread.board)
    if floor.author_id != member.pk and not moderator:
        raise PermissionDenied(_("Only the author or a moderator may edit this floor."))
    if (floor.is_deleted or floor.thread.is_deleted) and not moderator:
        raise PermissionDenied(_("A deleted floor cannot be edited."))
    if floor.thread.is_locked and not moderator:
        raise PermissionDenied(_("This thread is locked; its floors cannot be edited."))


def check_delete_floor(member, floor: Floor) -> None:
    _require_member(member)
    check_read_board(member, floor.thread.board)
    if floor.is_deleted:
        raise PermissionDenied(_("This floor has already been deleted."))
    if floor.author_id != member.pk and not is_moderator(member, floor.thread.board):
        raise PermissionDenied(_("Only the author or a moderator may delete this floor."))


def check_moderate_thread(member, thread: Thread) -> None:
    """Deleting, restoring, pinning, locking, marking a thread as digest: the board's moderators (and the
    site's staff, who moderate everywhere)."""
    _require_member(member)
    if not is_moderator(member, thread.board):
        raise PermissionDenied(_("Only a moderator of this board may do this."))


def sticky_limit(member) -> int:
    """How far this member may stick a thread, as Discuz's admin groups: 版主 1 (this board), 超级版主 2 (its
    category), 管理员 3 (the whole site)."""
    if not (member.is_authenticated and member.is_active):
        return 0
    if is_admin(member):
        return 3
    return 2 if is_super_moderator(member) else 1


def check_sticky(member, thread: Thread, level: int) -> None:
    check_moderate_thread(member, thread)
    most = sticky_limit(member)
    if level > most:
        raise PermissionDenied(_("You may stick threads up to level %(max)s only.") % {"max": most})


def check_move(member, thread: Thread, target: Board) -> None:
    """Moving needs the right to moderate both boards (the site's staff and super moderators have it)."""
    check_moderate_thread(member, thread)
    if not is_moderator(member, target):
        raise PermissionDenied(_("You may move threads only to a board you moderate."))


def check_manage_forum(member) -> None:
    """Arranging categories and boards, their permissions and moderators: 管理员 only (not 超级版主)."""
    if not is_admin(member):
        raise PermissionDenied(_("Only a site administrator may arrange categories and boards."))


def can(check, *args) -> bool:
    """For templates: the same check, answered yes or no."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


# --- Board permissions (per board and member group) ---------------------------------------------------------
# The interface every page, feed and list uses; the rules come from BoardAccess rows, kept in memory with the
# moderators (luntan.forum.moderators.board_table; bump ACCESS_SCOPE after a change).

@dataclass(frozen=True)
class Access:
    can_see: bool = True
    can_read: bool = True
    can_post: bool = True
    can_reply: bool = True
    needs_approval: bool = False


OPEN = Access()
HIDDEN = Access(can_see=False, can_read=False, can_post=False, can_reply=False)


def board_access(member, board_id: int) -> Access:
    """What this reader's group may do on this board (no query: the table is kept in memory). A hidden
    board allows nothing, and a sub-board of a hidden board is hidden too. Moderators' own rights are
    not in it: the checks above let a board's moderators do everything there."""
    group_id = rules_for(member).group_id
    if group_id is None:
        return OPEN
    table = board_table()
    if board_id in table.hidden.get(group_id, ()):
        return HIDDEN
    found = table.rules.get((board_id, group_id))
    return Access(*found) if found else OPEN


def hidden_board_ids(member) -> frozenset[int]:
    """The boards this reader may not see (with their sub-boards), usually none or a few: lists, feeds,
    counts and neighbours leave out everything in them."""
    if is_super_moderator(member):
        return frozenset()
    table = board_table()
    hidden = table.hidden.get(rules_for(member).group_id or 0, frozenset())
    if hidden and _signed_in(member):  # a board's moderators see it whatever their group
        hidden = frozenset(b for b in hidden if not _appointed_on(member, b, table.parents.get(b)))
    return hidden


def boards_hidden_from_anyone() -> frozenset[int]:
    """The boards some group may not see (with their sub-boards): pages shared by all readers (the site's
    statistics) leave them out for everyone."""
    return frozenset().union(*board_table().hidden.values())


def visible_board_ids(member) -> frozenset[int]:
    """The boards this reader may see: lists, feeds, counts and neighbours show nothing from the others."""
    hidden = hidden_board_ids(member)
    return frozenset(b for b in board_table().parents if b not in hidden)


def visibility_key(member) -> str:
    """A short name for what this reader may see, for the variant of a kept page that lists boards: two
    readers with the same key see the same boards."""
    hidden = hidden_board_ids(member)
    if not hidden:
        return "all"
    return hashlib.blake2b(",".join(map(str, sorted(hidden))).encode(), digest_size=6).hexdigest()
