"""Reads that need care: one door to each thread and board, and page loads with a fixed number of
queries however long the thread."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from luntan.accounts import signatures
from luntan.accounts.models import Member
from luntan.core import localcache, pagecache
from luntan.core.paging import Pages, page_count, page_number
from luntan.forum import extensions, permissions
from luntan.forum.models import Board, Category, Floor, Thread


def parse_id(raw) -> int:
    """An id from a URL, or 404 for anything else (text, negative, absurdly large)."""
    text = str(raw)
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise Http404
    return int(text)


def access_board(board_id) -> Board:
    try:
        return Board.objects.select_related("category", "parent").get(pk=parse_id(board_id))
    except Board.DoesNotExist:
        raise Http404 from None


def _visible(check, member, thing) -> None:
    """Runs a view check: what the reader may not know of is the same 404 as what is missing; a board they
    see but may not read says so (PermissionDenied, a 403 page with its message)."""
    try:
        check(member, thing)
    except permissions.Hidden:
        raise Http404 from None


def access_thread(member, thread_id) -> Thread:
    """The thread, or the same 404 whether it is missing or hidden from this member."""
    try:
        thread = (Thread.objects.select_related("board__category", "board__parent", "thread_type")
                  .get(pk=parse_id(thread_id)))
    except Thread.DoesNotExist:
        raise Http404 from None
    _visible(permissions.check_view_thread, member, thread)
    return thread


def access_floor(member, floor_id) -> Floor:
    try:
        floor = (Floor.objects.select_related("thread__board__category", "thread__board__parent", "author")
                 .get(pk=parse_id(floor_id)))
    except Floor.DoesNotExist:
        raise Http404 from None
    _visible(permissions.check_view_floor, member, floor)
    return floor


# --- Home ---------------------------------------------------------------------------------------------------

@dataclass
class SiteTotals:
    today: int
    yesterday: int
    posts: int
    members: int
    newest: Member | None


def home_categories(member) -> list[Category]:
    """The categories with the boards this reader may see (`shown_boards`, each with its `shown_children`);
    a category left without any is left out."""
    hidden = permissions.hidden_board_ids(member)
    top_boards = Board.objects.filter(parent=None).prefetch_related(
        Prefetch("children", queryset=Board.objects.order_by("order", "id"))
    )
    shown = []
    for category in Category.objects.prefetch_related(Prefetch("boards", queryset=top_boards)):
        boards = [b for b in category.boards.all() if b.pk not in hidden]
        for top in boards:
            setattr(top, "shown_children", [c for c in top.children.all() if c.pk not in hidden])  # noqa: B010
        setattr(category, "shown_boards", boards)  # noqa: B010
        if boards:
            shown.append(category)
    return shown


def site_totals(categories: list[Category]) -> SiteTotals:
    """The site's figures as this reader sees them: posts are counted on the boards they may see."""
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    boards = [b for c in categories for top in getattr(c, "shown_boards", ())
              for b in (top, *getattr(top, "shown_children", ()))]
    t = sum(b.posts_on(today) for b in boards)
    y = sum(b.yesterday_posts if b.today_date == today else b.posts_on(yesterday) for b in boards)
    posts = sum(b.post_count for b in boards)
    members = Member.objects.filter(is_active=True).count()
    newest = Member.objects.filter(is_active=True).order_by("-date_joined", "-pk").only("pk", "username").first()
    return SiteTotals(today=t, yesterday=y, posts=posts, members=members, newest=newest)


# --- Board ---------------------------------------------------------------------------------------------------

BOARD_SORTS = {
    "lastreply": "-last_reply_at",
    "created": "-created_at",
    "replies": "-reply_count",
    "views": "-view_count",
}


def access_kept_board(board_id: int, *, version: str) -> Board:
    """access_board for the board page, kept in process memory under the board's version like a thread."""
    key = f"board:{board_id}:{version}:{pagecache.time_bucket(f'board:{board_id}')}"
    board = localcache.fragments.get(key)
    if board is None:
        board = access_board(board_id)
        prefetch_related_objects([board], "thread_types")  # the 分类 shown and filtered by, kept with it
        localcache.fragments.set(key, board, 2048)
    return board


def board_page_number(board: Board, page_raw) -> int:
    return page_number(page_raw, last=page_count(board.thread_count, settings.LUNTAN["THREADS_PER_PAGE"]))


def board_children(member, board: Board) -> list[Board]:
    hidden = permissions.hidden_board_ids(member)
    return [c for c in board.children.all() if c.pk not in hidden]


THREAD_ROW_FIELDS = ("id", "title", "board_id", "author__id", "author__username", "created_at", "last_reply_at",
                     "last_replier_name", "reply_count", "view_count", "sticky", "sticky_until", "digest",
                     "is_locked", "is_closed", "highlight", "highlight_bold", "last_floor", "moved_to_id",
                     "thread_type__id", "thread_type__name", "is_waiting", "price")


def sticking(now) -> Q:
    """A thread sticky now: a level, and no expiry or one still ahead (an expired one counts as not sticky
    until the buffer flusher clears it)."""
    return Q(sticky__gt=0) & (Q(sticky_until=None) | Q(sticky_until__gt=now))


def board_threads(member, board: Board, *, page_raw, sort: str, moderator: bool = False,
                  type_id: int | None = None) -> tuple[list[Thread], Pages]:
    """A page of the board's threads. The first page starts with the stickies: the whole site's (3), the
    board's category's (2), then the board's own (1), each once. Closed threads are shown to the board's
    moderators only, and so are threads waiting for approval; `type_id` keeps one thread type (分类)."""
    per_page = settings.LUNTAN["THREADS_PER_PAGE"]
    pages = page_count(board.thread_count, per_page)
    number = page_number(page_raw, last=pages)
    order = BOARD_SORTS.get(sort, BOARD_SORTS["lastreply"])
    now = timezone.now()
    rows = (Thread.objects.filter(is_deleted=False).select_related("author", "thread_type")
            .only(*THREAD_ROW_FIELDS))
    own = rows.filter(board=board)
    if not moderator:
        own = own.filter(is_closed=False, is_waiting=False)
    if type_id is not None:
        own = own.filter(thread_type_id=type_id)
    sticking_now = sticking(now)
    stickies: list[Thread] = []
    if number == 1:
        elsewhere = (Q(sticky=3) | Q(sticky=2, board__category_id=board.category_id)) & ~Q(board=board)
        others = rows.filter(sticking_now & elsewhere, is_closed=False, is_waiting=False,
                             board_id__in=permissions.visible_board_ids(member))
        if type_id is not None:
            others = others.none()
        mine = own.filter(sticking_now)
        stickies = sorted([*others, *mine], key=lambda t: (-t.sticky, -t.last_reply_at.timestamp(), -t.pk))
    plain = own.exclude(sticking_now).order_by(order, "-id")
    start = (number - 1) * per_page
    return stickies + list(plain[start:start + per_page]), Pages(number=number, count=pages)


# --- Thread ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FloorView:
    """Which floors a thread page shows, from its address made sensible: the page number within the real
    page count, the order, and an author who has posted here (anyone else is the one empty list). Two
    addresses with the same FloorView show the same page, so the page is kept once for both."""
    page: int
    pages: int
    descending: bool
    author_id: int | None

    def params(self) -> dict[str, object]:
        """The address's parameters, in the form the thread page's own links write them."""
        params: dict[str, object] = {}
        if self.page > 1:
            params["page"] = self.page
        if self.author_id is not None:
            params["author"] = self.author_id
        if self.descending:
            params["order"] = "desc"
        return params


@dataclass
class FloorPage:
    floors: list[Floor]
    pages: Pages
    order: str
    author_id: int | None
    # The reply stuck to the top (置顶回复), shown again under floor 1 on the first page of the plain view.
    pinned: Floor | None = None


def _floor_query(thread: Thread):
    # Only what places a floor and names its version: the text and the author's card come from
    # luntan.forum.fragments, which reads them only when it has not kept them already.
    return Floor.objects.filter(thread=thread).only(
        "id", "thread_id", "number", "author_id", "created_at", "edited_at", "edited_by_name", "is_deleted",
        "like_count", "moved_floor_id", "is_waiting")


NO_AUTHOR = -1  # "only this author" for someone who has not posted here: an empty list, not an error


def _author_floor_count(thread: Thread, author_id: int, version: str) -> int:
    key = f"authorfloors:{thread.pk}:{version}:{pagecache.time_bucket(f'thread:{thread.pk}')}:{author_id}"
    count = localcache.fragments.get(key)
    if count is None:
        count = _floor_query(thread).filter(author_id=author_id).count()
        if count:  # not kept for made-up ids: they would only push out what is worth keeping
            localcache.fragments.set(key, count, 100)
    return count


def floor_view(thread: Thread, *, page_raw, order: str, author_raw, version: str) -> FloorView:
    per_page = settings.LUNTAN["FLOORS_PER_PAGE"]
    author_id = None
    total = thread.last_floor
    if author_raw not in (None, ""):
        try:
            author_id = parse_id(author_raw)
        except Http404:
            author_id = NO_AUTHOR
        total = _author_floor_count(thread, author_id, version) if author_id != NO_AUTHOR else 0
        author_id = author_id if total else NO_AUTHOR
    pages = page_count(total, per_page)
    return FloorView(page=page_number(page_raw, last=pages), pages=pages, descending=order == "desc",
                     author_id=author_id)


def thread_floors(thread: Thread, view: FloorView) -> FloorPage:
    """A page of floors. Floors are never removed, so page p of the plain view is the floor-number range
    ((p-1)*n, p*n]: the last page of a 100,000-floor thread costs what the first does."""
    per_page = settings.LUNTAN["FLOORS_PER_PAGE"]
    number = view.page
    pinned = None
    if view.author_id is None:
        total = thread.last_floor
        if view.descending:
            high = total - (number - 1) * per_page
            qs = _floor_query(thread).filter(number__gt=high - per_page, number__lte=high).order_by("-number")
        else:
            low = (number - 1) * per_page
            in_range = Q(number__gt=low, number__lte=low + per_page)
            stuck = thread.pinned_floor if number == 1 and thread.pinned_floor else None
            # The stuck reply comes in the same query as the page's floors.
            qs = _floor_query(thread).filter(in_range | Q(number=stuck) if stuck else in_range).order_by("number")
        floors = list(qs)
        if not view.descending and number == 1 and thread.pinned_floor:
            pinned = next((f for f in floors if f.number == thread.pinned_floor), None)
            floors = [f for f in floors if f.number <= per_page]
            pinned = None if pinned is None or pinned.is_deleted else pinned
    elif view.author_id == NO_AUTHOR:
        floors = []
    else:
        start = (number - 1) * per_page
        floors = list(_floor_query(thread).filter(author_id=view.author_id)
                      .order_by("-number" if view.descending else "number")[start:start + per_page])
    return FloorPage(floors=floors, pages=Pages(number=number, count=view.pages),
                     order="desc" if view.descending else "asc", author_id=view.author_id, pinned=pinned)


def thread_scopes(thread_id: int) -> tuple[str, ...]:
    """What a thread page shows: the thread, its board's moderators (carried by the kept thread), and its
    authors' signatures (any change of one makes every kept thread page a new one)."""
    return (f"thread:{thread_id}", "moderators", signatures.SCOPE)


def access_kept_thread(member, thread_id: int, *, version: str) -> Thread:
    """access_thread for the thread page: the thread is kept in process memory under its version (every
    write to the thread bumps it), so a page view usually reads nothing from the database. The kept object
    is shared between requests and must not be changed."""
    # The id as well as the version: two threads bumped by one write share their version numbers.
    key = f"thread:{thread_id}:{version}:{pagecache.time_bucket(f'thread:{thread_id}')}"
    thread = localcache.fragments.get(key)
    if thread is None:
        try:
            thread = (Thread.objects.select_related("board__category", "board__parent", "thread_type")
                      .annotate(**extensions.THREAD_ANNOTATIONS).get(pk=thread_id))
        except Thread.DoesNotExist:
            raise Http404 from None
        localcache.fragments.set(key, thread, 4096)
    if thread.moved_to_id is not None:  # a merged thread's stub: the page sends the reader on (views.thread)
        return thread
    _visible(permissions.check_view_thread, member, thread)
    return thread


def thread_page(thread: Thread, view: FloorView, *, version: str) -> FloorPage:
    """One page of the thread's floors, kept like the thread itself."""
    bucket = pagecache.time_bucket(f"thread:{thread.pk}")
    key = f"threadpage:{thread.pk}:{version}:{bucket}:{view.page}:{int(view.descending)}:{view.author_id}"
    found = localcache.fragments.get(key)
    if found is None:
        found = thread_floors(thread, view)
        localcache.fragments.set(key, found, 400 + 400 * len(found.floors))
    return found


def page_of_floor(number: int, *, last_floor: int, descending: bool = False) -> int:
    """The page that shows floor `number`, newest first or oldest first. Computed from the floor number:
    a floor just posted is the thread's newest, even when `last_floor` was read before it was posted."""
    per_page = settings.LUNTAN["FLOORS_PER_PAGE"]
    number = max(number, 1)
    last_floor = max(last_floor, number)
    return (last_floor - number if descending else number - 1) // per_page + 1


def neighbour_thread(thread: Thread, *, newer: bool, moderator: bool = False) -> Thread | None:
    """The next thread of the same board (which the reader may read, or they would not be here); threads
    waiting for approval are skipped but for the board's moderators."""
    qs = Thread.objects.filter(board_id=thread.board_id, is_deleted=False).only("id")
    if not moderator:
        qs = qs.filter(is_waiting=False)
    if newer:
        return qs.filter(pk__gt=thread.pk).order_by("pk").first()
    return qs.filter(pk__lt=thread.pk).order_by("-pk").first()


# --- Profile -----------------------------------------------------------------------------------------------------

def recent_threads(member: Member, *, viewer, limit: int = 10) -> list[Thread]:
    """The member's latest threads that `viewer` may see: none from a board hidden from them, none waiting."""
    qs = Thread.objects.filter(author=member, is_deleted=False, is_waiting=False)
    if hidden := permissions.hidden_board_ids(viewer):
        qs = qs.exclude(board_id__in=hidden)
    return list(qs.select_related("board").order_by("-created_at")[:limit])


def recent_replies(member: Member, *, viewer, limit: int = 10) -> list[Floor]:
    qs = Floor.objects.filter(author=member, is_deleted=False, is_waiting=False, number__gt=1,
                              thread__is_deleted=False, thread__is_waiting=False)
    if hidden := permissions.hidden_board_ids(viewer):
        qs = qs.exclude(thread__board_id__in=hidden)
    return list(qs.select_related("thread").only("id", "number", "created_at", "thread__id", "thread__title")
                .order_by("-created_at")[:limit])
