"""Who may do what in the forum: one check per action, used by services (which enforce it), by views and
templates (which show or hide the button) and later by the API. Each check raises a PermissionDenied
whose message the member reads."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.forum.extensions import POSTING_CHECKS
from luntan.forum.models import Board, Floor, Thread
from luntan.forum.moderators import board_moderators

_NOBODY: tuple[frozenset[int], tuple[str, ...]] = (frozenset(), ())


def is_moderator(member, board: Board) -> bool:
    if not member.is_authenticated or not member.is_active:
        return False
    if member.is_superuser or member.is_staff:
        return True
    # A board's moderators also moderate its sub-boards. The map is kept in memory: no query here.
    appointed = board_moderators()
    return any(member.pk in appointed.get(bid, _NOBODY)[0] for bid in (board.pk, board.parent_id) if bid)


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


def check_view_thread(member, thread: Thread) -> None:
    if thread.is_deleted and not is_moderator(member, thread.board):
        raise PermissionDenied(_("This thread has been deleted."))


def check_new_thread(member, board: Board) -> None:
    _require_member(member)


def check_reply(member, thread: Thread) -> None:
    _require_member(member)
    if thread.is_deleted:
        raise PermissionDenied(_("This thread has been deleted; replies are closed."))
    if thread.is_locked and not is_moderator(member, thread.board):
        raise PermissionDenied(_("This thread is locked; no new replies are accepted."))


def check_edit_floor(member, floor: Floor) -> None:
    _require_member(member)
    moderator = is_moderator(member, floor.thread.board)
    if floor.author_id != member.pk and not moderator:
        raise PermissionDenied(_("Only the author or a moderator may edit this floor."))
    if (floor.is_deleted or floor.thread.is_deleted) and not moderator:
        raise PermissionDenied(_("A deleted floor cannot be edited."))
    if floor.thread.is_locked and not moderator:
        raise PermissionDenied(_("This thread is locked; its floors cannot be edited."))


def check_delete_floor(member, floor: Floor) -> None:
    _require_member(member)
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


def check_manage_forum(member) -> None:
    """Arranging categories and boards and appointing moderators: the site's staff."""
    if not (member.is_authenticated and member.is_active and (member.is_staff or member.is_superuser)):
        raise PermissionDenied(_("Only a site administrator may arrange categories and boards."))


def can(check, *args) -> bool:
    """For templates: the same check, answered yes or no."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


# --- Board permissions (per board and member group) ---------------------------------------------------------
# The interface every page, feed and list uses; the rules come from BoardAccess rows, kept in memory.
# (#7: issue work in progress fills in roles and the checks above with these.)

ACCESS_SCOPE = "board_access"


@dataclass(frozen=True)
class Access:
    can_see: bool = True
    can_read: bool = True
    can_post: bool = True
    can_reply: bool = True
    needs_approval: bool = False


OPEN = Access()


def _read_access() -> tuple[tuple[int, ...], dict[tuple[int, int], Access]]:
    from luntan.forum.models import BoardAccess

    boards = tuple(Board.objects.order_by("id").values_list("id", flat=True))
    rules = {(r.board_id, r.group_id): Access(r.can_see, r.can_read, r.can_post, r.can_reply, r.needs_approval)
             for r in BoardAccess.objects.all()}
    return boards, rules


def _access_table() -> tuple[tuple[int, ...], dict[tuple[int, int], Access]]:
    from luntan.core import pagecache

    return pagecache.kept_table(ACCESS_SCOPE, _read_access, size=65536)


def board_access(member, board_id: int) -> Access:
    """What this reader's group may do on this board (no query: the table is kept in memory)."""
    group_id = rules_for(member).group_id
    return _access_table()[1].get((board_id, group_id), OPEN) if group_id is not None else OPEN


def visible_board_ids(member) -> frozenset[int]:
    """The boards this reader may see: lists, feeds, counts and neighbours show nothing from the others."""
    boards, rules = _access_table()
    group_id = rules_for(member).group_id
    if group_id is None:  # no group, no rule: every board is open, as board_access() says
        return frozenset(boards)
    return frozenset(b for b in boards if rules.get((b, group_id), OPEN).can_see)
