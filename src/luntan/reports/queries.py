"""Reading reports: the moderators' queue and the number of open ones (kept, for the user box)."""

from dataclasses import dataclass

from django.db.models import Count, Min, Q

from luntan.core import pagecache
from luntan.core.paging import Pages, page_count, page_number
from luntan.forum.models import Floor
from luntan.markup.conditions import strip_parts
from luntan.moderation.ranks import appointed_board_ids, is_site_moderator
from luntan.reports.models import Report
from luntan.reports.services import SCOPE

PER_PAGE = 20


def _read_counts() -> dict[int, tuple[int | None, int]]:
    rows = (Report.objects.filter(status=Report.Status.OPEN)
            .values_list("floor__thread__board_id", "floor__thread__board__parent_id")
            .annotate(n=Count("floor_id", distinct=True)))
    return {board_id: (parent_id, n) for board_id, parent_id, n in rows}


def open_counts() -> dict[int, tuple[int | None, int]]:
    """{board id: (its parent board, floors with open reports)}, kept until a report changes."""
    return pagecache.kept_table(SCOPE, _read_counts, size=16384)


def open_count_for(member) -> int | None:
    """Floors with open reports that this member may handle; None for a member who moderates nothing (the
    user box then shows no 举报 link). No query: the counts and the moderator map are kept."""
    if is_site_moderator(member):
        return sum(n for _parent, n in open_counts().values())
    boards = appointed_board_ids(member)
    if not boards:
        return None
    return sum(n for bid, (parent, n) in open_counts().items() if bid in boards or parent in boards)


def _scope(member) -> Q | None:
    """The reports this member may see, or None for none."""
    if is_site_moderator(member):
        return Q()
    boards = appointed_board_ids(member)
    if not boards:
        return None
    return Q(floor__thread__board_id__in=boards) | Q(floor__thread__board__parent_id__in=boards)


@dataclass
class FloorReports:
    floor: Floor
    reports: list[Report]
    first_at: object

    @property
    def excerpt(self) -> str:
        # The hidden parts (a priced opening post: all of it) stay in the floor.
        text = " ".join(strip_parts(self.floor.source, html=self.floor.html).split())
        return text if len(text) <= 300 else text[:300] + "…"


@dataclass
class Queue:
    groups: list[FloorReports]
    pages: Pages
    total: int


def queue(member, *, page_raw: str | None) -> Queue | None:
    """Floors with open reports, the longest waiting first, with their reporters; None for a member who
    may not see the queue. Four queries whatever the page holds."""
    scope = _scope(member)
    if scope is None:
        return None
    floors = (Report.objects.filter(scope, status=Report.Status.OPEN).values("floor_id")
              .annotate(first=Min("created_at")).order_by("first", "floor_id"))
    total = floors.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, PER_PAGE)), count=page_count(total, PER_PAGE))
    start = (pages.number - 1) * PER_PAGE
    window = [(row["floor_id"], row["first"]) for row in floors[start:start + PER_PAGE]]
    ids = [fid for fid, _first in window]
    found = {f.pk: f for f in Floor.objects.select_related("thread__board", "author").filter(pk__in=ids)}
    reports: dict[int, list[Report]] = {fid: [] for fid in ids}
    for report in (Report.objects.select_related("reporter").filter(floor_id__in=ids, status=Report.Status.OPEN)
                   .order_by("created_at", "pk")):
        reports[report.floor_id].append(report)
    groups = [FloorReports(found[fid], reports[fid], first) for fid, first in window if fid in found]
    return Queue(groups=groups, pages=pages, total=total)
