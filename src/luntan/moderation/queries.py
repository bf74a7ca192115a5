"""Reads for the moderators' pages: which boards a reader moderates, the recycle bin and the log, each a
fixed number of queries whatever its size."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.core.paging import Pages, page_count, page_number
from luntan.forum import permissions
from luntan.forum.models import Board, Floor, Thread
from luntan.forum.moderators import board_moderators
from luntan.moderation.models import ModerationLog

PER_PAGE = 30


def moderates_everywhere(member) -> bool:
    return permissions.is_super_moderator(member)


def moderates_any(member) -> bool:
    """For the user box's links: no query (the moderator map and the groups are kept in memory)."""
    if not (member.is_authenticated and member.is_active):
        return False
    return moderates_everywhere(member) or any(member.pk in ids for ids, _names in board_moderators().values())


def boards_moderated_by(member) -> frozenset[int] | None:
    """The boards this member moderates (a board's moderators moderate its sub-boards too); None for every
    board (the site's staff and super moderators); empty for a member who moderates nothing."""
    if not (member.is_authenticated and member.is_active):
        return frozenset()
    if moderates_everywhere(member):
        return None
    own = {bid for bid, (ids, _names) in board_moderators().items() if member.pk in ids}
    if not own:
        return frozenset()
    children = Board.objects.filter(parent_id__in=own).values_list("pk", flat=True)
    return frozenset(own | set(children))


def moderated_board_ids(member) -> frozenset[int] | None:
    """boards_moderated_by, for the moderators' pages: refuses a member who moderates nothing."""
    ids = boards_moderated_by(member)
    if ids is not None and not ids:
        raise PermissionDenied(_("Only moderators may open this page."))
    return ids


def _within(qs, field: str, ids: frozenset[int] | None):
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def recycle_bin(member, *, page_raw) -> tuple[list[Thread], list[Floor], Pages]:
    """The deleted threads and the floors deleted on their own, newest first, of the reader's boards."""
    ids = moderated_board_ids(member)
    threads = _within(Thread.objects.filter(is_deleted=True, moved_to=None), "board_id", ids)
    floors = _within(Floor.objects.filter(is_deleted=True, number__gt=1, thread__is_deleted=False),
                     "thread__board_id", ids)
    total = max(threads.count(), floors.count())
    pages = Pages(number=page_number(page_raw, last=page_count(total, PER_PAGE)), count=page_count(total, PER_PAGE))
    start = (pages.number - 1) * PER_PAGE
    thread_rows = list(threads.select_related("board", "author")
                       .only("id", "title", "board__id", "board__name", "author__id", "author__username",
                             "created_at", "reply_count").order_by("-id")[start:start + PER_PAGE])
    floor_rows = list(floors.select_related("thread__board", "author")
                      .only("id", "number", "source", "created_at", "thread__id", "thread__title",
                            "thread__board__id", "thread__board__name", "author__id", "author__username")
                      .order_by("-id")[start:start + PER_PAGE])
    return thread_rows, floor_rows, pages


def log_boards(member) -> list[Board]:
    ids = moderated_board_ids(member)
    return list(_within(Board.objects.only("id", "name", "order"), "pk", ids).order_by("order", "id"))


def log_page(member, *, filters: dict, page_raw) -> tuple[list[ModerationLog], Pages]:
    """The moderation log as this reader may see it (admins everything, moderators their boards'), filtered
    by moderator name, action, board, dates (site days, both included) and thread."""
    ids = moderated_board_ids(member)
    qs = ModerationLog.objects.all()
    if ids is not None:
        qs = qs.filter(Q(board_id__in=ids))
    if filters.get("moderator"):
        qs = qs.filter(actor_name=filters["moderator"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("board"):
        qs = qs.filter(board_id=filters["board"])
    if filters.get("thread"):
        qs = qs.filter(thread_id=filters["thread"])
    zone = timezone.get_current_timezone()
    if filters.get("since"):
        qs = qs.filter(created_at__gte=datetime.combine(filters["since"], time.min, tzinfo=zone))
    if filters.get("until"):
        qs = qs.filter(created_at__lt=datetime.combine(filters["until"] + timedelta(days=1), time.min, tzinfo=zone))
    count = page_count(qs.count(), PER_PAGE)
    pages = Pages(number=page_number(page_raw, last=count), count=count)
    start = (pages.number - 1) * PER_PAGE
    return list(qs.select_related("board").only(
        "id", "actor_name", "action", "thread_id", "floor_number", "subject", "detail", "reason", "created_at",
        "board__id", "board__name", "actor_id", "member_id")[start:start + PER_PAGE]), pages
