"""The synthetic site that `luntan bench` measures: boards, members, tens of thousands of floors and one
megathread of 100,000 floors.

This is a builder, not a member's write: rows go in with bulk_create in one transaction, which is why it
does not go through forum.services (but for appointing moderators, a few calls). It still leaves every
denormalized counter as the services would (thread last floor, replies and last reply; board counts,
today's posts and last post; member post and thread counts), computing them from the plan before anything
is inserted. Floor HTML comes from luntan.markup.cooking.cook, run once per distinct body and reused.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from luntan.accounts.models import Member, MemberGroup, name_key, name_skeleton
from luntan.credits.models import CreditEntry, CreditType, Operation, Wallet
from luntan.forum.models import Board, Category, Floor, Thread
from luntan.forum.services import board_moderators_set
from luntan.markup.cooking import cook
from luntan.medals.models import Medal, MedalShelf, MemberMedal

# How a bench site is recognised again (and told apart from a real one).
MEGATHREAD_TITLE = "【压测】十万楼水贴接龙，每人一楼"
SAMPLE_TITLE = "【压测】周末去哪儿玩？大家来推荐"
BENCH_USERNAME = "压测会员"
SAMPLE_FLOORS = 45  # the "thread page" measured: more than one page of floors

BATCH = 2_000
SEED = 20_250_601

CATEGORIES = ["综合交流", "技术讨论", "生活休闲"]
BOARD_NAMES = [
    "灌水乐园", "新闻时事", "站务公告", "Python 编程", "前端开发", "数据库", "运维与部署",
    "美食天地", "旅游摄影", "影视音乐", "读书笔记", "数码硬件", "二手交易", "求职招聘",
]
CHILD_BOARD_NAMES = ["Django 专区", "SQLite 与 PostgreSQL"]
NAME_HEADS = ["江南", "北方", "快乐的", "沉默的", "爱吃鱼的", "夜行", "山间", "海边", "老", "小",
              "Lazy", "Happy", "coder", "阿"]
NAME_TAILS = ["书生", "剑客", "小猫", "码农", "旅人", "咸鱼", "白菜", "Tiger", "fox", "明", "强", "芳"]
TITLE_WORDS = ["请教", "分享", "讨论", "求助", "吐槽", "心得", "教程", "闲聊", "新人报到", "求推荐"]
TITLE_TOPICS = ["Django 部署", "周末爬山", "家常红烧肉", "旧手机换新", "SQLite 并发写", "北京租房",
                "考研经验", "机械键盘", "咖啡豆", "跑步装备", "Python 异步", "老电影", "猫粮品牌"]

# Post bodies as members write them: BBCode and Markdown, quotes, code, links, smilies, long and short.
BODIES: list[tuple[str, str]] = [
    ("bbcode", "顶一下，楼主说得对！"),
    ("bbcode", "[quote=江南书生]周末有人一起去爬香山吗？[/quote]\n我去！[b]周六早上八点[/b]，地铁站集合。\n"
               "记得带水和[color=red]身份证[/color]，门票要实名。"),
    ("markdown", "## 部署心得\n\n用 **gunicorn** 跑了一个月，几点体会：\n\n1. worker 数按核数来\n"
                 "2. 静态文件交给 whitenoise\n3. SQLite 开 WAL\n\n```python\nworkers = 2 * cores + 1\n```\n\n"
                 "详细配置见 [官方文档](https://docs.djangoproject.com/)。"),
    ("bbcode", "[size=4]更新一下进度[/size]\n\n今天把首页的缓存做完了，速度快了很多。"
               "[url=https://example.com/post/1]原帖在这里[/url]，欢迎拍砖。\n[list][*]首页[*]版块页[*]帖子页[/list]"),
    ("markdown", "> 引用：这个问题我也遇到过\n\n同样的问题，换了驱动以后好了。附上报错：\n\n"
                 "    OperationalError: database is locked\n\n原因是两个进程同时写，改成 `IMMEDIATE` 事务就行。"),
    ("bbcode", "路过，[i]默默收藏[/i]。" * 3),
    ("markdown", "这家店的红烧肉真的不错，**推荐**！\n\n- 地址：胡同里第三家\n- 人均：六十左右\n- 缺点：排队久\n\n"
                 "![红烧肉](https://example.com/img/hongshaorou.jpg)"),
    ("bbcode", "长文预警。\n\n"
               + "这是一段很长的回复，讲的是我这几年在论坛里的经历：从潜水到发帖，从新手上路到论坛元老，"
                 "认识了很多朋友，也学到了很多东西。" * 6
               + "\n\n[align=right]—— 写于深夜[/align]"),
]


@dataclass(frozen=True)
class BenchSite:
    """What the benchmark needs to know about a built site."""

    board_id: int
    thread_id: int
    megathread_id: int
    megathread_floors: int
    member_id: int
    floors: int  # all floors, the megathread's included


@dataclass
class _ThreadPlan:
    board: int
    title: str
    times: list[datetime]
    authors: list[int]
    bodies: list[int]
    sticky: int = 0
    digest: int = 0
    highlight: str = ""
    views: int = 0
    pk: int | None = field(default=None, repr=False)


def find_site() -> BenchSite | None:
    """The bench site in the current database, or None when there is none (or only half of one)."""
    mega = Thread.objects.filter(title=MEGATHREAD_TITLE).only("id", "last_floor").first()
    sample = Thread.objects.filter(title=SAMPLE_TITLE).only("id", "board_id").first()
    member = Member.objects.filter(username=BENCH_USERNAME).only("id").first()
    if mega is None or sample is None or member is None:
        return None
    return BenchSite(board_id=sample.board_id, thread_id=sample.pk, megathread_id=mega.pk,
                     megathread_floors=mega.last_floor, member_id=member.pk, floors=Floor.objects.count())


def database_is_empty() -> bool:
    return not (Floor.objects.exists() or Thread.objects.exists() or Member.objects.exists())


def _cooked_bodies() -> list[tuple[str, str, str]]:
    return [(source, fmt, cook(source, fmt=fmt)) for fmt, source in BODIES]


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (i + 1) ** 0.8 for i in range(n)]


def _thread_lengths(rng: random.Random, floors: int) -> list[int]:
    """Thread lengths adding up to exactly `floors`: mostly short threads, some long ones. The first is
    the sample thread the benchmark reads."""
    lengths = [min(SAMPLE_FLOORS, floors)]
    total = lengths[0]
    while total < floors:
        roll = rng.random()
        if roll < 0.40:
            n = rng.randint(1, 5)
        elif roll < 0.75:
            n = rng.randint(6, 30)
        elif roll < 0.95:
            n = rng.randint(31, 80)
        else:
            n = rng.randint(81, 300)
        n = min(n, floors - total)
        lengths.append(n)
        total += n
    return lengths


def _spread(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n increasing moments from `start` to at most `end`, the first exactly at `start`."""
    span = max((end - start).total_seconds(), 1.0)
    offsets = sorted(rng.uniform(0, span) for _ in range(n - 1))
    return [start] + [start + timedelta(seconds=s) for s in offsets]


def _plan(rng: random.Random, *, floors: int, megathread: int, n_boards: int, n_members: int,
          now: datetime) -> tuple[list[_ThreadPlan], _ThreadPlan]:
    weights = _zipf_weights(n_members)
    board_weights = [3.0 if b == 0 else 1.0 for b in range(n_boards)]
    plans = []
    for i, length in enumerate(_thread_lengths(rng, floors)):
        sample = i == 0
        start = now - timedelta(seconds=rng.uniform(3_600 if sample else 0, 60 * 86_400))
        end = min(now, start + timedelta(seconds=length * rng.uniform(120, 4 * 3_600)))
        authors = rng.choices(range(n_members), weights=weights, k=length)
        plans.append(_ThreadPlan(
            board=0 if sample else rng.choices(range(n_boards), weights=board_weights)[0],
            title=SAMPLE_TITLE if sample else
            f"{rng.choice(TITLE_WORDS)}：{rng.choice(TITLE_TOPICS)}（{i}）",
            times=_spread(rng, start, end, length),
            authors=authors,
            bodies=[rng.randrange(len(BODIES)) for _ in range(length)],
            sticky=1 if rng.random() < 0.01 else 0,
            digest=rng.choice([1, 2, 3]) if rng.random() < 0.02 else 0,
            highlight=rng.choice(["red", "blue", "green"]) if rng.random() < 0.02 else "",
            views=length * rng.randint(3, 40),
        ))
    # The megathread: one reply every few minutes for a year, the newest a minute ago.
    start = now - timedelta(days=365)
    step = (now - timedelta(minutes=1) - start) / max(megathread - 1, 1)
    mega = _ThreadPlan(
        board=0, title=MEGATHREAD_TITLE,
        times=[start + step * k for k in range(megathread)],
        authors=rng.choices(range(n_members), weights=weights, k=megathread),
        bodies=[rng.randrange(len(BODIES)) for _ in range(megathread)],
        sticky=1, views=megathread * 7,
    )
    return plans, mega


def _member_name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}{i}"[:15]


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def build_site(*, floors: int = 50_000, megathread: int = 100_000, members: int = 1_000,
               boards: int = len(BOARD_NAMES), seed: int = SEED,
               progress: Callable[[str], None] = lambda message: None) -> BenchSite:
    """Builds the bench site in the current (empty) database and returns what the benchmark needs."""
    rng = random.Random(seed)
    now = timezone.now()
    boards = max(1, min(boards, len(BOARD_NAMES)))
    members = max(members, 2)
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)

    progress("cooking bodies")
    bodies = _cooked_bodies()
    progress("planning threads")
    plans, mega = _plan(rng, floors=floors, megathread=megathread, n_boards=boards, n_members=members, now=now)
    everything = [*plans, mega]

    # Every counter, from the plan.
    member_posts = [0] * members
    member_threads = [0] * members
    member_digests = [0] * members
    board_threads = [0] * boards
    board_posts = [0] * boards
    board_today = [0] * boards
    board_yesterday = [0] * boards
    board_last: list[_ThreadPlan | None] = [None] * boards
    for plan in everything:
        member_threads[plan.authors[0]] += 1
        member_digests[plan.authors[0]] += 1 if plan.digest else 0
        for author in plan.authors:
            member_posts[author] += 1
        board_threads[plan.board] += 1
        board_posts[plan.board] += len(plan.times)
        for moment in plan.times:
            day = timezone.localdate(moment)
            if day == today:
                board_today[plan.board] += 1
            elif day == yesterday:
                board_yesterday[plan.board] += 1
        last = board_last[plan.board]
        if last is None or plan.times[-1] > last.times[-1]:
            board_last[plan.board] = plan

    with transaction.atomic():
        progress("members and boards")
        default_group = MemberGroup.objects.filter(is_default=True).first()
        levels = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER)
        groups: list[MemberGroup | None] = [*levels] or [default_group]
        password = make_password(None)
        usernames = [_member_name(rng, i) for i in range(members)]
        member_rows = [
            Member(
                username=usernames[i], name_key=name_key(usernames[i]), name_skeleton=name_skeleton(usernames[i]),
                email=f"member{i}@bench.invalid",
                password=password,
                group=rng.choice(groups) if groups[0] else None,
                custom_title=rng.choice(["", "", "", "潜水员", "热心网友", "技术宅"]),
                signature=rng.choice(["", "", "人生苦短，我用 Python。", "签名档：今天也要加油！"]),
                date_joined=now - timedelta(days=rng.uniform(30, 3 * 365)),
                last_activity=now - timedelta(hours=rng.uniform(0, 24 * 30)),
                online_seconds=rng.randint(0, 500 * 3_600),
                post_count=member_posts[i], thread_count=member_threads[i], digest_count=member_digests[i],
            )
            for i in range(members)
        ]
        # bulk_create skips Member.save(), so what save() derives (name_key, name_skeleton) is set here.
        bench_member = Member(username=BENCH_USERNAME, name_key=name_key(BENCH_USERNAME),
                              name_skeleton=name_skeleton(BENCH_USERNAME),
                              email="bench@bench.invalid", password=password,
                              group=default_group, date_joined=now - timedelta(days=100))
        for new_member in (*member_rows, bench_member):
            new_member.set_name_keys()  # and the pinyin keys of the member list's search
        member_rows = Member.objects.bulk_create([*member_rows, bench_member], batch_size=BATCH)
        member_ids = [m.pk for m in member_rows[:members]]
        names = [m.username for m in member_rows[:members]]

        categories = Category.objects.bulk_create(
            [Category(name=name, order=k) for k, name in enumerate(CATEGORIES)])
        board_rows = Board.objects.bulk_create([
            Board(category=categories[b % len(categories)], name=BOARD_NAMES[b], order=b,
                  description=f"{BOARD_NAMES[b]}：欢迎发帖交流", thread_count=board_threads[b],
                  post_count=board_posts[b], today_posts=board_today[b], yesterday_posts=board_yesterday[b],
                  today_date=today)
            for b in range(boards)
        ])
        # Two empty sub-boards, so the home page lists children as real sites do.
        Board.objects.bulk_create([
            Board(category=board_rows[0].category, parent=board_rows[min(3, boards - 1)], name=name, order=k)
            for k, name in enumerate(CHILD_BOARD_NAMES)
        ])
        for b in range(boards):  # through the service, which keeps the names and UIDs stored with the board
            board_moderators_set(board=board_rows[b], members=[member_rows[b % members]])

        progress(f"{len(everything):,} threads")
        thread_rows = Thread.objects.bulk_create([
            Thread(
                board=board_rows[p.board], title=p.title, author_id=member_ids[p.authors[0]],
                created_at=p.times[0], last_reply_at=p.times[-1], last_replier_id=member_ids[p.authors[-1]],
                last_replier_name=names[p.authors[-1]], reply_count=len(p.times) - 1, view_count=p.views,
                last_floor=len(p.times), sticky=p.sticky, digest=p.digest, highlight=p.highlight,
            )
            for p in everything
        ], batch_size=BATCH)
        for plan, row in zip(everything, thread_rows, strict=True):
            if row.pk is None:
                raise RuntimeError("this database does not return the keys of bulk-created rows")
            plan.pk = row.pk

        total = sum(len(p.times) for p in everything)
        done = 0
        for chunk in _batched(_floors(everything, member_ids, bodies), BATCH):
            Floor.objects.bulk_create(chunk)
            done += len(chunk)
            if done % 20_000 < BATCH:
                progress(f"floors {done:,} / {total:,}")

        _economy(rng, member_ids, now)
        progress("moods and likes")
        _reactions(rng, member_ids, now)

        for b, last in enumerate(board_last):
            if last is not None:
                Board.objects.filter(pk=board_rows[b].pk).update(
                    last_thread_id=last.pk, last_thread_title=last.title, last_post_at=last.times[-1],
                    last_poster_name=names[last.authors[-1]])

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would have done on a site that grew
            cursor.execute("ANALYZE")
    site = find_site()
    assert site is not None  # noqa: S101 - just built
    return site


def _reactions(rng: random.Random, member_ids: list[int], now: datetime) -> None:
    """Mood votes under every thread (0 to 15 voters) and likes on one floor in ten (1 to 5 each), with the
    denormalized counts the pages read, so that the thread page serves the mood bars and like counts, and a
    member's page asks for their own vote and likes."""
    from django.db.models import F

    from luntan.reactions.models import FloorLike, Mood, MoodTally, MoodVote

    moods = list(Mood.objects.filter(enabled=True).values_list("pk", flat=True))
    if not moods:
        return
    votes, tallies, mood_counts = [], [], {}
    for thread_id in Thread.objects.values_list("pk", flat=True):
        voters = rng.sample(member_ids, rng.randint(0, min(15, len(member_ids))))
        counts: dict[int, int] = {}
        for uid in voters:
            mood = rng.choice(moods)
            counts[mood] = counts.get(mood, 0) + 1
            votes.append(MoodVote(thread_id=thread_id, member_id=uid, mood_id=mood, voted_at=now))
        tallies += [MoodTally(thread_id=thread_id, mood_id=m, count=n) for m, n in counts.items()]
        if voters:
            mood_counts[thread_id] = len(voters)
    MoodVote.objects.bulk_create(votes, batch_size=BATCH)
    MoodTally.objects.bulk_create(tallies, batch_size=BATCH)
    for thread_id, n in mood_counts.items():
        Thread.objects.filter(pk=thread_id).update(mood_count=n)
    likes: list[FloorLike] = []
    per_floor: dict[int, int] = {}
    per_thread: dict[int, int] = {}
    for floor_id, thread_id, author_id in Floor.objects.values_list("pk", "thread_id", "author_id").iterator():
        if rng.random() >= 0.1:
            continue
        likers = [uid for uid in rng.sample(member_ids, min(5, len(member_ids)))[:rng.randint(1, 5)]
                  if uid != author_id]
        likes += [FloorLike(floor_id=floor_id, thread_id=thread_id, member_id=uid, created_at=now) for uid in likers]
        per_floor[floor_id] = len(likers)
        per_thread[thread_id] = per_thread.get(thread_id, 0) + len(likers)
    FloorLike.objects.bulk_create(likes, batch_size=BATCH)
    for floor_id, n in per_floor.items():
        Floor.objects.filter(pk=floor_id).update(like_count=n)
    for thread_id, n in per_thread.items():
        Thread.objects.filter(pk=thread_id).update(like_count=F("like_count") + n)


def _economy(rng: random.Random, member_ids: list[int], now: datetime) -> None:
    """Every member's credits (wallets, with the ledger rows that add up to them) and medals for one in
    three, so the bench's author cards carry everything a real site's do."""
    types = list(CreditType.objects.filter(enabled=True))
    wallets, entries = [], []
    for uid in member_ids:
        for kind in types:
            balance = kind.initial + rng.randint(0, 250_000 if kind.slot == 1 else 3_000)
            wallets.append(Wallet(member_id=uid, credit_type=kind, balance=balance, lower_limit=kind.lower_limit))
            entries.append(CreditEntry(member_id=uid, credit_type=kind, delta=kind.initial,
                                       balance_after=kind.initial, operation=Operation.INITIAL, created_at=now))
            entries.append(CreditEntry(member_id=uid, credit_type=kind, delta=balance - kind.initial,
                                       balance_after=balance, operation=Operation.ADJUST, created_at=now))
    Wallet.objects.bulk_create(wallets, batch_size=BATCH)
    CreditEntry.objects.bulk_create(entries, batch_size=BATCH)
    medals = list(Medal.objects.values_list("pk", flat=True))
    if medals:
        held = {uid: rng.sample(medals, rng.randint(1, min(3, len(medals)))) for uid in member_ids[::3]}
        MemberMedal.objects.bulk_create([MemberMedal(member_id=uid, medal_id=m, how=MemberMedal.How.HAND,
                                                     reason="bench") for uid, ms in held.items() for m in ms],
                                        batch_size=BATCH)
        MedalShelf.objects.bulk_create([MedalShelf(member_id=uid, medal_ids=",".join(map(str, ms)))
                                        for uid, ms in held.items()], batch_size=BATCH)


def _floors(plans: list[_ThreadPlan], member_ids: list[int], bodies: list[tuple[str, str, str]]) -> Iterator[Floor]:
    for plan in plans:
        if plan.pk is None:
            raise ValueError("a thread's floors are made once the thread has its id")
        for k, (moment, author, body) in enumerate(zip(plan.times, plan.authors, plan.bodies, strict=True)):
            source, fmt, html = bodies[body]
            yield Floor(thread_id=plan.pk, number=k + 1, author_id=member_ids[author], source=source, format=fmt,
                        html=html, created_at=moment, author_ip="127.0.0.1")


def default_var_dir():
    return settings.PROJECT_DIR / "var" / "bench"
