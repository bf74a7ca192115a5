"""Reads of reactions: a thread's mood results (from the kept tallies, never by counting votes), what one
reader has given in a thread (one query for both their mood and their likes), and the week's best."""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, IntegerField, Value
from django.utils import timezone

from luntan.core.compiled import CompiledQuery
from luntan.forum.models import Thread
from luntan.forum.permissions import visible_board_ids
from luntan.reactions import config
from luntan.reactions.models import FloorLike, MoodTally, MoodVote


@dataclass(frozen=True)
class MoodRow:
    mood: config.MoodInfo
    count: int
    percent: int  # share of all the thread's votes, rounded to a whole number


@dataclass(frozen=True)
class MoodResults:
    rows: list[MoodRow]
    total: int  # members who gave the thread a mood: 共有 N 人参与

    def args(self) -> list[int]:
        """The results as whole numbers, for a hole's arguments: total, then mood id and count pairs."""
        return [self.total, *(n for row in self.rows for n in (row.mood.id, row.count))]


def results_from(total: int, counts: dict[int, int]) -> MoodResults:
    rows = [MoodRow(mood=m, count=counts.get(m.id, 0),
                    percent=round(counts.get(m.id, 0) * 100 / total) if total else 0)
            for m in config.enabled_moods()]
    return MoodResults(rows=rows, total=total)


def results_from_args(args: list[str]) -> MoodResults:
    """The results a kept page carries in its hole (MoodResults.args), read back."""
    numbers = [int(a) for a in args if a.isdigit()]
    total = numbers[0] if numbers else 0
    return results_from(total, dict(zip(numbers[1::2], numbers[2::2], strict=False)))


def thread_results(thread: Thread) -> MoodResults:
    """The thread's results; a thread nobody has rated costs no query."""
    counts: dict[int, int] = {}
    if thread.mood_count:
        counts = dict(MoodTally.objects.filter(thread_id=thread.pk, count__gt=0).values_list("mood_id", "count"))
    return results_from(thread.mood_count, counts)


@dataclass(frozen=True)
class ReaderState:
    mood_id: int | None = None  # the reader's mood for the thread
    liked: frozenset[int] = field(default_factory=frozenset)  # ids of the floors the reader liked in it


NOTHING = ReaderState()


def _reader_query(thread_id: int, member_id: int):
    votes = (MoodVote.objects.filter(thread_id=thread_id, member_id=member_id)
             .annotate(kind=Value(1, output_field=IntegerField())).values_list("kind", "mood_id"))
    likes = (FloorLike.objects.filter(thread_id=thread_id, member_id=member_id)
             .annotate(kind=Value(2, output_field=IntegerField())).values_list("kind", "floor_id"))
    return votes.union(likes, all=True)


_reader_rows = CompiledQuery(MoodVote, _reader_query)  # on every page a member reads: compiled once
_MEMO = "_reactions_state"


def reader_state(member, thread: Thread) -> ReaderState:
    """The reader's own mood and likes in this thread: one query, remembered for the rest of the request
    on the request's member object (the mood block and every floor's like button ask). A thread with no
    mood and no like costs none."""
    if not member.is_authenticated:
        return NOTHING
    key = (thread.pk, thread.mood_count, thread.like_count)
    memo = getattr(member, _MEMO, None)
    if memo is not None and memo[0] == key:
        return memo[1]
    state = NOTHING
    if thread.mood_count or thread.like_count:
        rows = _reader_rows.rows(thread.pk, member.pk)
        state = ReaderState(mood_id=next((i for k, i in rows if k == 1), None),
                            liked=frozenset(i for k, i in rows if k == 2))
    setattr(member, _MEMO, (key, state))
    return state


# --- 本周帖子评价之最 -----------------------------------------------------------------------------------------

WEEK_SECONDS = 300  # how old the week's best may get


@dataclass(frozen=True)
class WeeklyBest:
    mood: config.MoodInfo
    thread_id: int | None
    title: str
    board_id: int | None
    board_name: str
    votes: int


def _week_top(board_ids: frozenset[int], since) -> dict[int, tuple[int, int, str, int, str]]:
    """{mood id: (thread id, votes, title, board id, board name)} in two queries."""
    best: dict[int, tuple[int, int]] = {}
    for mood_id, thread_id, votes in (
            MoodVote.objects.filter(voted_at__gte=since, thread__board_id__in=list(board_ids),
                                    thread__is_deleted=False, thread__is_closed=False, thread__is_waiting=False,
                                    thread__moved_to=None)
            .values_list("mood_id", "thread_id").annotate(n=Count("id")).order_by("mood_id", "-n", "-thread_id")):
        best.setdefault(mood_id, (thread_id, votes))
    threads = {t.pk: t for t in Thread.objects.filter(pk__in=[t for t, _ in best.values()]).select_related("board")
               .only("id", "title", "board__id", "board__name")}
    return {mood_id: (tid, votes, threads[tid].title, threads[tid].board_id, threads[tid].board.name)
            for mood_id, (tid, votes) in best.items() if tid in threads}


def weekly_best(member) -> list[WeeklyBest]:
    """For each mood, the thread that got most votes of it in the last 7 days, among the threads of the
    boards this reader may see; kept a few minutes per set of visible boards."""
    boards = visible_board_ids(member)
    digest = hashlib.blake2b(",".join(map(str, sorted(boards))).encode(), digest_size=8).hexdigest()
    key = f"reactions:week:{digest}"
    top = cache.get(key)
    if top is None:
        top = _week_top(boards, timezone.now() - timedelta(days=7))
        cache.set(key, top, WEEK_SECONDS)
    rows = []
    for mood in config.enabled_moods():
        tid, votes, title, board_id, board_name = top.get(mood.id, (None, 0, "", None, ""))
        rows.append(WeeklyBest(mood=mood, thread_id=tid, title=title, board_id=board_id, board_name=board_name,
                               votes=votes))
    return rows
