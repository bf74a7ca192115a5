"""Reads of polls: a thread's poll with its numbers (when its kept page is built), the poll's fixed parts
(kept in this process: a poll is never edited), one reader's choices (one query), and the voter list."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from luntan.core import localcache
from luntan.polls.models import Poll, PollChoice, PollOption


@dataclass(frozen=True)
class OptionRow:
    id: int
    text: str
    count: int
    percent: int  # share of the voters who chose it (a multiple-choice poll's shares add up to more than 100)


@dataclass(frozen=True)
class PollInfo:
    """What a poll shows; the numbers are those of when the page was built (or the hole's arguments)."""

    id: int
    thread_id: int
    multiple: bool
    max_choices: int
    ends_at: dt.datetime | None
    results_after_vote: bool
    public_voters: bool
    voters: int
    options: list[OptionRow]

    def args(self) -> list[int]:
        """The numbers for a hole's arguments: poll id, voters, then each option's votes in order."""
        return [self.id, self.voters, *(o.count for o in self.options)]

    def ended(self, now=None) -> bool:
        return self.ends_at is not None and (now or timezone.now()) >= self.ends_at

    def results_public(self, now=None) -> bool:
        """Everyone may see the numbers (without voting)."""
        return not self.results_after_vote or self.ended(now)


def _rows(options: list[tuple[int, str]], counts: list[int], voters: int) -> list[OptionRow]:
    return [OptionRow(id=oid, text=text, count=n, percent=round(n * 100 / voters) if voters else 0)
            for (oid, text), n in zip(options, counts, strict=False)]


def _info(poll: Poll, options: list[tuple[int, str]], counts: list[int], voters: int) -> PollInfo:
    return PollInfo(id=poll.pk, thread_id=poll.thread_id, multiple=poll.multiple, max_choices=poll.max_choices,
                    ends_at=poll.ends_at, results_after_vote=poll.results_after_vote,
                    public_voters=poll.public_voters, voters=voters, options=_rows(options, counts, voters))


POLL_ANNOTATION = "poll_pk"  # the kept thread's poll id (luntan.forum.extensions.register_thread_annotation)


def thread_poll(thread) -> PollInfo | None:
    """The thread's poll with its current numbers, or None (read when the kept page is built): one query, none
    for a kept thread that has no poll."""
    if hasattr(thread, POLL_ANNOTATION):
        poll_pk = getattr(thread, POLL_ANNOTATION)
        if poll_pk is None:
            return None
        options = PollOption.objects.filter(poll_id=poll_pk)
    else:
        options = PollOption.objects.filter(poll__thread_id=thread.pk)
    found = list(options.select_related("poll").order_by("position"))
    if not found:
        return None
    poll = found[0].poll
    rows = [(o.pk, o.text, o.vote_count) for o in found]
    _definitions.set(f"poll:{poll.pk}", (poll, [(r[0], r[1]) for r in rows]), 200 + 100 * len(rows))
    return _info(poll, [(r[0], r[1]) for r in rows], [r[2] for r in rows], poll.voter_count)


_definitions = localcache.LocalLRU(max_items=2000, max_bytes=4_000_000)


def poll_from_args(args: list[str]) -> PollInfo | None:
    """The poll a kept page's hole names (PollInfo.args), with the numbers it carries. Its fixed parts are
    kept in this process (read once, when missing)."""
    numbers = [int(a) for a in args if a.isdigit()]
    if len(numbers) < 2:
        return None
    found = _definitions.get(f"poll:{numbers[0]}")
    if found is None:
        poll = Poll.objects.filter(pk=numbers[0]).first()
        if poll is None:
            return None
        options = list(PollOption.objects.filter(poll=poll).values_list("pk", "text"))
        found = (poll, options)
        _definitions.set(f"poll:{poll.pk}", found, 200 + 100 * len(options))
    poll, options = found
    return _info(poll, options, numbers[2:], numbers[1])


def current_poll(poll_id: int) -> PollInfo | None:
    """The poll with its numbers as they are now (after a vote, for the voter list)."""
    poll = Poll.objects.filter(pk=poll_id).select_related("thread").first()
    if poll is None:
        return None
    rows = list(PollOption.objects.filter(poll=poll).values_list("pk", "text", "vote_count"))
    return _info(poll, [(r[0], r[1]) for r in rows], [r[2] for r in rows], poll.voter_count)


def reader_choices(member, poll_id: int) -> frozenset[int] | None:
    """The options this reader chose, or None if they have not voted: one query."""
    # Raw SQL: asked on every signed-in view of a thread with a poll, where the ORM's building of the query
    # cost more than the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT option_id FROM {PollChoice._meta.db_table} "  # noqa: S608 - the model's table
                       "WHERE poll_id = %s AND member_id = %s", [poll_id, member.pk])
        chosen = frozenset(row[0] for row in cursor.fetchall())
    return chosen or None


VOTER_LIST_LIMIT = 500


def voters_by_option(poll: PollInfo) -> dict[int, list[tuple[int, str]]]:
    """Each option's voters (uid, name), the earliest first; one query, at most VOTER_LIST_LIMIT choices."""
    found: dict[int, list[tuple[int, str]]] = {o.id: [] for o in poll.options}
    rows = (PollChoice.objects.filter(poll_id=poll.id).order_by("ballot__created_at", "pk")
            .values_list("option_id", "member_id", "member__username")[:VOTER_LIST_LIMIT])
    for option_id, uid, name in rows:
        found.setdefault(option_id, []).append((uid, name))
    return found
