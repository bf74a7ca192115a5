"""Writes of polls: the poll made with a new thread (inside forum's thread_create transaction), a vote, and
the recount of a poll's numbers from its ballots.

A vote is one transaction that locks the thread's row first (the house's lock order: a thread before
members), then checks and writes the ballot, its choices and the counters with F() updates; the unique
(poll, member) constraint is the last guard against a double submit. The thread's kept pages are bumped
once it commits."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.core import pagecache
from luntan.core.text import clean_line
from luntan.forum import permissions
from luntan.forum.models import Floor, Thread
from luntan.polls.models import MAX_OPTION_CHARS, MAX_OPTIONS, MIN_OPTIONS, Poll, PollBallot, PollChoice, PollOption
from luntan.polls.queries import PollInfo
from luntan.protection import words


@dataclass(frozen=True)
class PollSpec:
    """A poll as checked, ready to be made with its thread."""

    options: list[str]
    multiple: bool
    max_choices: int
    ends_at: dt.datetime | None
    results_after_vote: bool
    public_voters: bool


def parse_end(raw: str) -> dt.datetime | None:
    """The end a member typed, in the site's time zone: "2026-12-31" (the end of that day), "2026-12-31 18:00"
    or the browser's "2026-12-31T18:00". Empty: no end. Raises ValidationError (code "poll_end")."""
    text = (raw or "").strip()
    if not text:
        return None
    text = text.replace("T", " ").replace("/", "-")
    for pattern, day_end in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%d %H:%M:%S", False), ("%Y-%m-%d", True)):
        try:
            naive = dt.datetime.strptime(text, pattern)  # noqa: DTZ007 - made aware just below
        except ValueError:
            continue
        if day_end:
            naive = naive.replace(hour=23, minute=59, second=59)
        return timezone.make_aware(naive, timezone.get_current_timezone())
    raise ValidationError(_("Please give the end as a date like 2026-12-31, or a date and time like "
                            "2026-12-31 18:00."), code="poll_end")


def clean_poll(*, options: list[str], multiple: bool, max_choices: int | None, ends_at: dt.datetime | None,
               results_after_vote: bool, public_voters: bool, now: dt.datetime | None = None) -> PollSpec:
    """Checks a poll; raises ValidationError with a code naming the field (poll_options, poll_max, poll_end)."""
    now = now or timezone.now()
    cleaned = [clean_line(o) for o in options]
    if any(not o for o in cleaned):
        raise ValidationError(_("An option is empty. Write something in each option, or remove it."),
                              code="poll_options")
    if len(cleaned) < MIN_OPTIONS:
        raise ValidationError(_("A poll needs at least %(count)s options.") % {"count": MIN_OPTIONS},
                              code="poll_options")
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError(_("A poll can have at most %(count)s options; this one has %(given)s.")
                              % {"count": MAX_OPTIONS, "given": len(cleaned)}, code="poll_options")
    too_long = [o for o in cleaned if len(o) > MAX_OPTION_CHARS]
    if too_long:
        raise ValidationError(_("An option can be at most %(count)s characters long: “%(option)s…”.")
                              % {"count": MAX_OPTION_CHARS, "option": too_long[0][:20]}, code="poll_options")
    seen: set[str] = set()
    for option in cleaned:
        key = option.casefold()
        if key in seen:
            raise ValidationError(_("The option “%(option)s” is given twice. Each option must be different.")
                                  % {"option": option}, code="poll_options")
        seen.add(key)
    # 敏感词, as in the post itself: an option cannot wait for approval, so hold refuses it like block.
    cleaned = [words.check_line(o, where=words.POST) for o in cleaned]
    if multiple:
        most = max_choices if max_choices is not None else len(cleaned)
        if most < 1 or most > len(cleaned):
            raise ValidationError(
                ngettext("The most choices must be between 1 and the number of options (%(count)s).",
                         "The most choices must be between 1 and the number of options (%(count)s).",
                         len(cleaned)) % {"count": len(cleaned)}, code="poll_max")
    else:
        most = 1
    if ends_at is not None and ends_at <= now:
        raise ValidationError(_("The end of the poll is already past. Choose a later date, or none."),
                              code="poll_end")
    return PollSpec(options=cleaned, multiple=multiple, max_choices=most, ends_at=ends_at,
                    results_after_vote=results_after_vote, public_voters=public_voters)


def poll_create(*, floor: Floor, spec: PollSpec) -> Poll:
    """Makes the poll of a new thread; called inside thread_create's transaction (the thread and the poll
    are written together or not at all)."""
    if floor.number != 1:
        raise PermissionDenied(_("A poll can only be added to a new thread."))
    with transaction.atomic():
        poll = Poll.objects.create(thread_id=floor.thread_id, multiple=spec.multiple, max_choices=spec.max_choices,
                                   ends_at=spec.ends_at, results_after_vote=spec.results_after_vote,
                                   public_voters=spec.public_voters, created_at=floor.created_at)
        PollOption.objects.bulk_create(PollOption(poll=poll, position=i, text=text)
                                       for i, text in enumerate(spec.options, start=1))
    return poll


# --- Voting ------------------------------------------------------------------------------------------------

def check_vote(member, thread: Thread, poll: Poll | PollInfo, *, reading: bool = False, now=None) -> None:
    """Whether this member may vote in the poll now (not whether they already have). `reading`: asked for
    the thread page the member is reading, which has already checked that they may read it."""
    permissions.check_reader_acts(member, thread, reading=reading)
    if thread.is_deleted or thread.is_waiting or thread.moved_to_id:
        raise PermissionDenied(_("This thread's poll is not open for voting."))
    if thread.is_locked or thread.is_closed:
        raise PermissionDenied(_("This thread is closed: its poll takes no more votes."))
    if poll.ended(now):
        raise PermissionDenied(_("This poll has ended: it takes no more votes."))


def _already() -> ValidationError:
    return ValidationError(_("You have already voted in this poll. A vote cannot be changed."), code="voted")


def poll_vote(*, member, poll_id: int, option_ids: list[int]) -> Poll:
    """Counts the member's vote for `option_ids` (one for a single-choice poll, 1 to max_choices otherwise).
    Raises PermissionDenied (may not vote) or ValidationError (bad choice, already voted); then nothing is
    written."""
    wanted = list(dict.fromkeys(option_ids))
    if not wanted:
        raise ValidationError(_("Choose an option before voting."), code="empty")
    try:
        with transaction.atomic():
            poll = Poll.objects.get(pk=poll_id)
            thread = Thread.objects.select_for_update().select_related("board").get(pk=poll.thread_id)
            poll = Poll.objects.get(pk=poll_id)  # read again under the thread's lock
            check_vote(member, thread, poll)
            if len(wanted) > poll.max_choices:
                raise ValidationError(
                    ngettext("You may choose at most %(count)s option.", "You may choose at most %(count)s options.",
                             poll.max_choices) % {"count": poll.max_choices}, code="too_many")
            options = set(PollOption.objects.filter(poll=poll, pk__in=wanted).values_list("pk", flat=True))
            if len(options) != len(wanted):
                raise ValidationError(_("That option is not in this poll. Choose one of the options shown."),
                                      code="option")
            if PollBallot.objects.filter(poll=poll, member=member).exists():
                raise _already()
            ballot = PollBallot.objects.create(poll=poll, member=member, created_at=timezone.now())
            PollChoice.objects.bulk_create(PollChoice(ballot=ballot, option_id=o, poll=poll, member=member)
                                           for o in wanted)
            PollOption.objects.filter(pk__in=wanted).update(vote_count=F("vote_count") + 1)
            Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
            pagecache.bump(f"thread:{thread.pk}")  # once this commits
    except IntegrityError:  # a double submit that slipped past the check: the constraint counted it once
        raise _already() from None
    except Poll.DoesNotExist:
        raise ValidationError(_("There is no such poll."), code="missing") from None
    poll.refresh_from_db()
    return poll


def polls_recount() -> int:
    """Rebuilds the counts of every poll whose voters or votes differ from its ballots (`luntan recount`);
    returns how many polls were wrong."""
    voters = dict(PollBallot.objects.order_by().values_list("poll_id").annotate(n=Count("id")))
    votes = dict(PollChoice.objects.order_by().values_list("option_id").annotate(n=Count("id")))
    wrong = {pk for pk, held in Poll.objects.values_list("pk", "voter_count") if held != voters.get(pk, 0)}
    wrong |= {poll_id for pk, poll_id, held in PollOption.objects.values_list("pk", "poll_id", "vote_count")
              if held != votes.get(pk, 0)}
    for poll_id in sorted(wrong):
        poll_recount(poll_id=poll_id)
    return len(wrong)


def poll_recount(*, poll_id: int) -> Poll:
    """Rebuilds the poll's voter count and each option's votes from the ballots."""
    with transaction.atomic():
        poll = Poll.objects.get(pk=poll_id)
        Thread.objects.select_for_update().filter(pk=poll.thread_id).first()
        counts = dict(PollChoice.objects.filter(poll=poll).values_list("option_id").annotate(n=Count("id")))
        for option in PollOption.objects.filter(poll=poll):
            if option.vote_count != counts.get(option.pk, 0):
                PollOption.objects.filter(pk=option.pk).update(vote_count=counts.get(option.pk, 0))
        Poll.objects.filter(pk=poll.pk).update(voter_count=PollBallot.objects.filter(poll=poll).count())
        pagecache.bump(f"thread:{poll.thread_id}")
    poll.refresh_from_db()
    return poll
