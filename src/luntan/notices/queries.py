"""A member's own notices, newest first, and what they follow."""

from dataclasses import dataclass

from luntan.core.paging import Pages, page_count, page_number
from luntan.notices.models import MemberFollow, Notice, ThreadFollow

PER_PAGE = 20
FOLLOWS_SHOWN = 200


@dataclass
class NoticePage:
    notices: list[Notice]
    pages: Pages
    total: int


def notice_page(member, *, page_raw: str | None) -> NoticePage:
    """Two queries whatever the page holds."""
    mine = Notice.shown.filter(member=member)
    total = mine.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, PER_PAGE)), count=page_count(total, PER_PAGE))
    start = (pages.number - 1) * PER_PAGE
    return NoticePage(list(mine.order_by("-created_at", "-id")[start:start + PER_PAGE]), pages, total)


def own_notice(member, notice_id: int) -> Notice | None:
    return Notice.shown.filter(member=member, pk=notice_id).first()


@dataclass
class Follows:
    threads: list[ThreadFollow]
    members: list[MemberFollow]


def follows_of(member) -> Follows:
    """The threads and members the member follows, newest first: two queries."""
    return Follows(
        threads=list(ThreadFollow.objects.filter(member=member).select_related("thread")
                     .only("id", "created_at", "thread__id", "thread__title", "thread__is_deleted")[:FOLLOWS_SHOWN]),
        members=list(MemberFollow.objects.filter(member=member).select_related("followed")
                     .only("id", "created_at", "followed__id", "followed__username")[:FOLLOWS_SHOWN]),
    )
