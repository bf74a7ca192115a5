"""Builds the demo forum: plans everything first (who writes what, when), then writes it through the forum's
services so that every counter is the one real posting would give, then moves the times into the past.

The plan depends only on the seed and the current time, so the same seed gives the same forum."""

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from luntan.accounts.models import Member, MemberGroup, name_key
from luntan.accounts.services import member_signature_set
from luntan.core import pagecache
from luntan.credits.services import credits_resettle
from luntan.forum import services
from luntan.forum.models import Board, BoardAccess, Category, Floor, Thread
from luntan.forum.moderators import ACCESS_SCOPE
from luntan.markup.smilies import SMILEY_RE

from .content import (
    BB,
    BENCH_REPLIES,
    CATEGORIES,
    GENERIC_REPLIES,
    INTRODUCTIONS,
    LATE_REPLIES,
    MD,
    MEMBERS,
    OP,
    OP_QUESTION_REPLIES,
    OP_REPLIES,
    POOLS,
    QUOTE_REPLIES,
    SOFA_REPLIES,
    THREADS,
    WELCOMES,
    BoardSpec,
    Md,
    MemberSpec,
    Reply,
    ThreadSpec,
)

DEFAULT_SEED = 2024

# How likely a post is made at each local hour: quiet at night, busy at lunch and in the evening.
_HOUR_WEIGHTS = (3, 1.5, 0.7, 0.3, 0.2, 0.3, 0.8, 2, 3, 4, 4, 4, 5, 4, 3.5, 3.5, 3.5, 4, 4, 5, 6, 7, 7, 5)
_BBCODE_TAG_RE = re.compile(r"\[/?(?:b|i|u|s|color|size|url|img|quote|code|list|align|hr|\*)(?:=[^\[\]\n]*)?\]",
                            re.IGNORECASE)
_MD_LINK_RE = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_LIST_MARK_RE = re.compile(r"^(?:[-+]\s+|\d+\.\s+)")
_EXCERPT_CHARS = 36


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    categories: int = 0
    boards: int = 0
    members: int = 0
    threads: int = 0
    floors: int = 0


@dataclass
class _FloorPlan:
    author: str                          # the member's name in content.MEMBERS
    text: str
    fmt: str
    at: datetime
    quote: tuple[str, str] | None = None  # (quoted member's name, excerpt)
    quotable: bool = False                # says something of its own (written for this thread)
    quoted: bool = False                  # a later floor quotes this one


@dataclass
class _ThreadPlan:
    board: BoardSpec
    spec: ThreadSpec
    floors: list[_FloorPlan] = field(default_factory=list)
    views: int = 0

    @property
    def author(self) -> str:
        return self.floors[0].author


@dataclass
class _MemberPlan:
    spec: MemberSpec
    joined: datetime
    last_login: datetime | None = None
    last_activity: datetime | None = None
    online_seconds: int = 0


@dataclass(frozen=True)
class DemoPlan:
    """Everything the demo will write, keyed by the names in content.MEMBERS."""

    members: dict[str, _MemberPlan]
    threads: list[_ThreadPlan]


def build_demo(*, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Fills an empty site with the demo forum; on a site that already has boards it does nothing."""
    now = timezone.now()
    with transaction.atomic():
        if Board.objects.exists():
            return DemoSummary(created=False)
        plan = plan_demo(seed=seed, now=now)
        members = _create_members(plan.members)
        boards = _create_boards(members)
        floors = _post(plan.threads, members, boards)
        _set_access(boards)
        _backdate(plan.threads, floors)
        _recount(boards, members, now)
        _fill_other_apps(list(members.values()), seed=seed, now=now)
        _recount(boards, members, now)  # other apps may have opened threads of their own (polls), dated back
    return DemoSummary(
        created=True, categories=len(CATEGORIES), boards=len(boards), members=len(members),
        threads=Thread.objects.count(), floors=Floor.objects.count(),
    )


# The apps whose demo content follows the forum's, in this order (an app's fill_demo may read what the ones
# before it made: medals look at check-in streaks).
DEMO_APPS = ("credits", "checkin", "wheel", "medals", "items", "moderation", "reactions", "reports", "bans", "stats",
             "search", "protection", "polls", "letters", "blog", "attachments", "accounts", "hidden", "notices")


def _fill_other_apps(members: list[Member], *, seed: int, now: datetime) -> None:
    for offset, label in enumerate(DEMO_APPS, start=1):
        if not apps.is_installed(f"luntan.{label}"):
            continue
        try:
            module = import_module(f"luntan.{label}.demo")
        except ModuleNotFoundError:
            continue
        fresh = list(Member.objects.filter(pk__in=[m.pk for m in members]).order_by("pk"))
        module.fill_demo(members=fresh, rng=random.Random(seed + offset), now=now)
    credits_resettle(members=Member.objects.filter(pk__in=[m.pk for m in members]))


# --- Planning: pure Python, no database -----------------------------------------------------------------------

def plan_demo(*, seed: int, now: datetime) -> DemoPlan:
    """Who writes what and when, from the seed alone: the same seed and moment give the same plan."""
    rng = random.Random(seed)
    members = {
        spec.name: _MemberPlan(spec, _at_hour(rng, now - timedelta(days=rng.uniform(*spec.joined)), now))
        for spec in MEMBERS
    }
    boards = {b.key: b for c in CATEGORIES for b in c.boards}
    # The staff's board is planned with a random source of its own, so adding it changed nothing else.
    aside = random.Random(seed + 1000)
    threads = [_plan_thread(aside if boards[key].staff == "hidden" else rng, now, boards[key], spec, members)
               for key, specs in THREADS.items() for spec in specs]
    first_post: dict[str, datetime] = {}
    last_post: dict[str, datetime] = {}
    for plan in threads:
        for floor in plan.floors:
            first_post[floor.author] = min(floor.at, first_post.get(floor.author, floor.at))
            last_post[floor.author] = max(floor.at, last_post.get(floor.author, floor.at))
    for name, member in members.items():
        # A member named as an author must have joined before their first post.
        if name in first_post and member.joined > first_post[name] - timedelta(hours=6):
            member.joined = first_post[name] - timedelta(days=rng.uniform(1, 20))
        seen = last_post.get(name, member.joined)
        member.last_login = seen + (now - seen) * rng.random()
        member.last_activity = min(now, member.last_login + timedelta(minutes=rng.uniform(1, 90)))
        member.online_seconds = int((now - member.joined).days * member.spec.activity * rng.uniform(0.2, 1.2) * 3600)
    for plan in threads:
        plan.views = int(len(plan.floors) * rng.uniform(6, 25) + rng.uniform(10, 120) + 300 * plan.spec.sticky)
    return DemoPlan(members, threads)


def _at_hour(rng: random.Random, day: datetime, now: datetime) -> datetime:
    """A believable local time of that day, never in the future."""
    local = timezone.localtime(day)
    hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
    moment = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    while moment > now - timedelta(minutes=5):
        moment -= timedelta(days=1)
    return moment


def _opened_at(rng: random.Random, now: datetime, spec: ThreadSpec) -> datetime:
    days = rng.uniform(*spec.age) if spec.age else 0.3 + 40 * rng.random() ** 1.5
    moment = now - timedelta(days=days)
    return _at_hour(rng, moment, now) if days >= 1 else moment


def _reply_times(rng: random.Random, opened: datetime, n: int, now: datetime, *, active: bool) -> list[datetime]:
    """n moments after `opened`, in order: quick at first, slower as the thread ages."""
    if n == 0:
        return []
    first_hours = rng.uniform(0.2, 1.5)
    gaps = [max(60.0, rng.expovariate(1 / (first_hours * 3600 * 1.12 ** i))) for i in range(n)]
    total = sum(gaps)
    room = (now - opened).total_seconds()
    if active:
        # People are still replying: the last reply falls today.
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        since = (now - max(midnight, opened)).total_seconds()
        last = room - since * rng.uniform(0.05, 0.9)
        scale = max(last, 1.0) / total
    elif total > room * 0.95:
        scale = room * rng.uniform(0.5, 0.95) / total
    else:
        scale = 1.0
    times, offset = [], 0.0
    for gap in gaps:
        offset += max(gap * scale, 1.0)
        times.append(opened + timedelta(seconds=offset))
    # Never in the future, still strictly in order.
    return [min(t, now - timedelta(seconds=n - i)) for i, t in enumerate(times)]


def _pick_author(rng: random.Random, members: dict[str, _MemberPlan], board: BoardSpec, at: datetime,
                 avoid: set[str], *, fan: float = 8, posted: dict[str, int] | None = None) -> str:
    """Someone who had joined by then; more likely one who posts a lot, `fan` times more likely one who
    likes this board, less likely one who has already said a lot in this thread (`posted`)."""
    names, weights = [], []
    for name, member in members.items():
        if name in avoid or member.joined > at - timedelta(hours=2):
            continue
        names.append(name)
        weight = member.spec.activity * (fan if board.key in member.spec.boards else 1)
        weights.append(weight / (1 + (posted or {}).get(name, 0)) ** 1.5)
    if not names:  # only when every member is to be avoided: anyone who had joined will do
        names = [n for n, m in members.items() if m.joined <= at] or list(members)
        weights = [1.0] * len(names)
    return rng.choices(names, weights=weights)[0]


class _Drawer:
    """Draws texts for one thread without repeating any."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, *sources: tuple[str, ...], number: int = 99) -> str | None:
        for source in sources:
            fresh = [t for t in source if t not in self.used and (number > 4 or t not in LATE_REPLIES)]
            if fresh:
                text = self.rng.choice(fresh)
                self.used.add(text)
                return text
        return None


def _plan_thread(rng: random.Random, now: datetime, board: BoardSpec, spec: ThreadSpec,
                 members: dict[str, _MemberPlan]) -> _ThreadPlan:
    opened = _opened_at(rng, now, spec)
    # Nobody answers their own question, and moderators' own threads name them.
    answerers = {r[0] for r in (*spec.answers, spec.closing) if isinstance(r, tuple) and r[0] != OP}
    op_name = spec.author or _pick_author(rng, members, board, opened, {*answerers, *board.moderators}, fan=30)
    plan = _ThreadPlan(board, spec)
    plan.floors.append(_FloorPlan(op_name, spec.body, spec.fmt, opened))
    if spec.maker == "checkin":
        return _plan_checkin(rng, now, plan, members)

    written = len(spec.answers) + (spec.closing is not None)
    n = max(rng.randint(*spec.replies), written)
    slots: list[Reply | None] = [None] * n
    if spec.closing is not None:
        slots[-1] = spec.closing
    free = n - (spec.closing is not None)
    # The written answers come early, in their order, with other replies in between.
    span = min(free, max(2 * len(spec.answers) + 2, free // 2))
    for position, answer in zip(sorted(rng.sample(range(span), len(spec.answers))), spec.answers, strict=True):
        slots[position] = answer

    keys = spec.pools or board.pools
    pools = tuple(t for key in keys for t in POOLS[key])
    op_replies = OP_REPLIES + (OP_QUESTION_REPLIES if "ask" in keys else ())
    quote_replies = QUOTE_REPLIES["advice" if "ask" in keys else "feeling" if _FEELINGS & set(keys) else "other"]
    drawer = _Drawer(rng)
    posted: dict[str, int] = {}
    op_spoke = False
    for index, (slot, at) in enumerate(zip(slots, _reply_times(rng, opened, n, now, active=spec.active),
                                           strict=True)):
        number = index + 2
        previous = plan.floors[-1].author
        author: str | None = None
        text: str | None
        quotable = slot is not None
        if slot is not None:
            who, text = slot if isinstance(slot, tuple) else (None, slot)
            author = op_name if who == OP else who
        else:
            roll = rng.random()
            if number == 2 and roll < 0.3:
                text = drawer.draw(SOFA_REPLIES)
            elif number == 3 and roll < 0.15:
                text = drawer.draw(BENCH_REPLIES)
            elif number > 4 and roll < 0.06 and not op_spoke and previous != op_name:
                author, text, op_spoke = op_name, drawer.draw(op_replies), True
            elif spec.pool and roll < 0.85:
                text = drawer.draw(spec.pool, pools, GENERIC_REPLIES, number=number)
                quotable = text in spec.pool
            elif roll < 0.8:
                text = drawer.draw(pools, GENERIC_REPLIES, number=number)
            else:
                text = drawer.draw(GENERIC_REPLIES, pools, number=number)
            if text is None:  # every text is used: a long thread on small pools
                author, text = None, rng.choice(GENERIC_REPLIES)
        # Other people's lines are never put in the thread author's mouth.
        author = author or _pick_author(rng, members, board, at, {previous, op_name}, posted=posted)
        posted[author] = posted.get(author, 0) + 1
        quote = None
        if slot is None and number >= 4 and rng.random() < 0.15:
            quote = _pick_quote(rng, plan, author)
            reply = drawer.draw(quote_replies) if quote else None
            if reply is None:
                quote = None
            else:
                text = reply
        plan.floors.append(_FloorPlan(author, text, _format_of(text, members[author].spec), at, quote, quotable))
    return plan


def _plan_checkin(rng: random.Random, now: datetime, plan: _ThreadPlan,
                  members: dict[str, _MemberPlan]) -> _ThreadPlan:
    """The introductions thread: everyone who joined after it opened introduces themselves soon after
    joining; members who were already there welcome some of them."""
    opened = plan.floors[0].at
    newcomers = sorted((m for name, m in members.items() if name in INTRODUCTIONS and m.joined > opened),
                       key=lambda m: m.joined)
    lowest, highest = plan.spec.replies
    welcomes = min(len(WELCOMES), max(0, rng.randint(lowest, highest) - len(newcomers)))
    welcomed = set(rng.sample(range(len(newcomers)), min(welcomes, len(newcomers))))
    drawer = _Drawer(rng)
    floors = []
    for index, member in enumerate(newcomers[:highest]):
        at = min(member.joined + timedelta(minutes=rng.uniform(5, 600)), now - timedelta(minutes=1))
        name = member.spec.name
        floors.append(_FloorPlan(name, INTRODUCTIONS[name], _format_of(INTRODUCTIONS[name], member.spec), at))
        if index in welcomed and len(floors) < highest:
            later = min(at + timedelta(minutes=rng.uniform(3, 240)), now - timedelta(seconds=30))
            host = _pick_author(rng, members, plan.board, later, {name}, fan=1)
            text = drawer.draw(WELCOMES)
            if text is None:  # every welcome used (the count above leaves one for each)
                continue
            floors.append(_FloorPlan(host, text, _format_of(text, members[host].spec), later))
    floors.sort(key=lambda f: f.at)
    # Strictly after the opening post and each other, whatever the clock rounding.
    previous = opened
    for floor in floors:
        floor.at = max(floor.at, previous + timedelta(seconds=1))
        previous = floor.at
    plan.floors.extend(floors)
    return plan


def _format_of(text: str, author: MemberSpec) -> str:
    if isinstance(text, Md):
        return MD
    if _BBCODE_TAG_RE.search(text):
        return BB
    return MD if author.markdown else BB


# Threads about how people feel rather than what they should do.
_FEELINGS = frozenset({"story", "fun", "complain", "holiday", "music", "health"})


def _pick_quote(rng: random.Random, plan: _ThreadPlan, author: str) -> tuple[str, str] | None:
    """A recent reply by someone other than the two authors that says something of its own (no question, no
    code) and was not quoted yet, as (name, excerpt)."""
    recent = [f for f in plan.floors[1:][-6:]
              if f.quotable and not f.quoted and f.author not in (author, plan.author)
              and "？" not in f.text and "`" not in f.text and "[code]" not in f.text]
    if not recent:
        return None
    quoted = rng.choice(recent)
    excerpt = _excerpt(quoted.text)
    if not excerpt:
        return None
    quoted.quoted = True
    return quoted.author, excerpt


def _excerpt(text: str) -> str:
    """The first line of a floor as plain text, cut short without breaking a smiley."""
    plain = _MD_LINK_RE.sub(r"\1", _BBCODE_TAG_RE.sub("", text))
    plain = re.sub(r"[*`#>|~\[\]]", "", plain)
    line = next((s for s in (_LIST_MARK_RE.sub("", raw.strip()).strip() for raw in plain.splitlines()) if s), "")
    if len(line) <= _EXCERPT_CHARS:
        return line
    cut = _EXCERPT_CHARS
    for match in SMILEY_RE.finditer(line):
        if match.start() < cut < match.end():
            cut = match.start()
    return line[:cut].rstrip("，。、；： ") + "……"


# --- Writing --------------------------------------------------------------------------------------------------

def _free_name(name: str, taken: set[str]) -> str:
    """The name itself, or the name with a number if a member on this site already has it."""
    candidate, n = name, 2
    while name_key(candidate) in taken:
        candidate = f"{name[:settings.LUNTAN['USERNAME_MAX_CHARS'] - len(str(n))]}{n}"
        n += 1
    taken.add(name_key(candidate))
    return candidate


def _create_members(plans: dict[str, _MemberPlan]) -> dict[str, Member]:
    groups = {g.role: g for g in MemberGroup.objects.exclude(role="")}
    default_group = MemberGroup.objects.filter(is_default=True).first()
    taken = set(Member.objects.filter(name_key__in=[name_key(n) for n in plans]).values_list("name_key", flat=True))
    rows = []
    # In order of joining, so that member numbers (UIDs) follow it.
    for name, plan in sorted(plans.items(), key=lambda item: item[1].joined):
        spec, username = plan.spec, _free_name(name, taken)
        member = Member(
            username=username, group=groups.get(spec.group, default_group),
            custom_title=spec.title, date_joined=plan.joined,
            last_login=plan.last_login, last_activity=plan.last_activity, online_seconds=plan.online_seconds,
        )
        member.set_name_keys()  # bulk_create skips save(), which sets them
        member.set_unusable_password()
        rows.append((name, member))
    Member.objects.bulk_create([m for _, m in rows])
    saved = {m.username: m for m in Member.objects.filter(username__in=[m.username for _, m in rows])}
    for name, member in rows:  # 签名: cooked and checked as a member's own would be
        if plans[name].spec.signature:
            try:
                member_signature_set(member=saved[member.username], signature=plans[name].spec.signature)
            except ValidationError:
                pass  # a group without signatures
    return {name: saved[member.username] for name, member in rows}


def _create_boards(members: dict[str, Member]) -> dict[str, Board]:
    boards: dict[str, Board] = {}
    for c_order, cat_spec in enumerate(CATEGORIES, start=1):
        category = Category.objects.create(name=cat_spec.name, description=cat_spec.description, order=c_order)
        for b_order, spec in enumerate(cat_spec.boards, start=1):
            moderators = [members[name] for name in spec.moderators]
            board = Board.objects.create(
                category=category, parent=boards[spec.parent] if spec.parent else None, name=spec.name,
                description=spec.description, order=b_order,
            )
            services.board_moderators_set(board=board, members=moderators)
            boards[spec.key] = board
    return boards


STAFF_ROLES = (MemberGroup.Role.ADMIN, MemberGroup.Role.SUPER_MODERATOR, MemberGroup.Role.MODERATOR)


def _set_access(boards: dict[str, Board]) -> None:
    """站务公告: only staff post threads, members reply; 版务讨论: staff only. Set after the posts are written
    (the demo's members post as they did before the rules). Every other group gets a row."""
    others = list(MemberGroup.objects.exclude(role__in=STAFF_ROLES))
    rows = []
    for spec in (b for c in CATEGORIES for b in c.boards if b.staff):
        hidden = spec.staff == "hidden"
        rows += [BoardAccess(board=boards[spec.key], group=group, can_see=not hidden, can_read=not hidden,
                             can_post=False, can_reply=not hidden) for group in others]
    BoardAccess.objects.bulk_create(rows)
    pagecache.bump(ACCESS_SCOPE)


def _source(floor: _FloorPlan, members: dict[str, Member]) -> str:
    if floor.quote is None:
        return floor.text
    name, excerpt = members[floor.quote[0]].username, floor.quote[1]
    if floor.fmt == MD:
        return f"> **{name}** 说：{excerpt}\n\n{floor.text}"
    return f"[quote={name}]{excerpt}[/quote]\n{floor.text}"


def _post(threads: list[_ThreadPlan], members: dict[str, Member], boards: dict[str, Board]) -> list[list[Floor]]:
    """Writes every floor through the services, in the order they were written, so ids follow time."""
    events = sorted((floor.at, t, f) for t, plan in enumerate(threads) for f, floor in enumerate(plan.floors))
    made: list[list[Floor]] = [[] for _ in threads]
    for _, t, f in events:
        plan, floor = threads[t], threads[t].floors[f]
        author, source = members[floor.author], _source(floor, members)
        if f == 0:
            row = services.thread_create(author=author, board=boards[plan.board.key], title=plan.spec.title,
                                         source=source, fmt=floor.fmt)
        else:
            row = services.post_reply(author=author, thread=made[t][0].thread, source=source, fmt=floor.fmt)
        made[t].append(row)
    return made


def _backdate(threads: list[_ThreadPlan], floors: list[list[Floor]]) -> None:
    """Moves every floor and thread to its planned time and sets what moderators would have set."""
    rows, thread_rows = [], []
    for plan, made in zip(threads, floors, strict=True):
        for floor, row in zip(plan.floors, made, strict=True):
            row.created_at = floor.at
            rows.append(row)
        thread = made[0].thread
        spec = plan.spec
        thread.created_at, thread.last_reply_at = plan.floors[0].at, plan.floors[-1].at
        thread.sticky, thread.digest, thread.is_locked, thread.highlight = (
            spec.sticky, spec.digest, spec.locked, spec.highlight)
        thread.view_count = plan.views
        thread_rows.append(thread)
    Floor.objects.bulk_update(rows, ["created_at"], batch_size=500)
    Thread.objects.bulk_update(
        thread_rows, ["created_at", "last_reply_at", "sticky", "digest", "is_locked", "highlight", "view_count"],
        batch_size=500,
    )


def _recount(boards: dict[str, Board], members: dict[str, Member], now: datetime) -> None:
    """Board counters, last posts and digest counts, recomputed from the rows after the times moved."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = today - timedelta(days=1)
    for board in boards.values():
        threads = Thread.objects.filter(board=board, is_deleted=False)
        counts = Floor.objects.filter(thread__in=threads, is_deleted=False).aggregate(
            total=Count("id"),
            today=Count("id", filter=Q(created_at__gte=today)),
            yesterday=Count("id", filter=Q(created_at__gte=yesterday, created_at__lt=today)),
        )
        latest = threads.order_by("-last_reply_at", "-id").first()
        Board.objects.filter(pk=board.pk).update(
            thread_count=threads.count(), post_count=counts["total"], today_posts=counts["today"],
            yesterday_posts=counts["yesterday"], today_date=today.date(),
            last_thread=latest, last_thread_title=latest.title if latest else "",
            last_post_at=latest.last_reply_at if latest else None,
            last_poster_name=latest.last_replier_name if latest else "",
        )
    digests = dict(Thread.objects.filter(author__in=members.values(), digest__gt=0, is_deleted=False)
                   .values("author").annotate(n=Count("id")).values_list("author", "n"))
    for author_id, n in digests.items():
        Member.objects.filter(pk=author_id).update(digest_count=n)
