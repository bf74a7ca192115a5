"""Writes of reactions: a mood vote on a thread (given or changed) and a like on a floor (given or taken back).

Each is one transaction that locks the thread's row first and then the members' rows (credits'
lock_members, in UID order), checks, writes the reaction, its counters and the credit changes, and bumps
the thread's kept pages once it commits. The thread's lock makes the counters exact under concurrent votes
on PostgreSQL; on SQLite atomic() takes the write lock at BEGIN."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.core import pagecache
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members, rule_reward
from luntan.forum import permissions
from luntan.forum.models import Floor, Thread
from luntan.notices import events as notices
from luntan.notices.services import NAMES_KEPT  # the names a grouped notice shows
from luntan.reactions import config
from luntan.reactions.models import FloorLike, Mood, MoodTally, MoodVote

Reward = list[list[int]]  # [[credit type id, delta], ...] as kept on a vote or a like


# --- Checks -----------------------------------------------------------------------------------------------

def _check_reader(member, thread: Thread, *, reading: bool = False) -> None:
    """The thread can be seen and reacted to by this member at all (forum.permissions.check_reader_acts),
    and is open for reactions."""
    permissions.check_reader_acts(member, thread, reading=reading)
    if thread.is_deleted or thread.is_closed or thread.is_waiting or thread.moved_to_id:
        raise PermissionDenied(_("This thread cannot be rated now."))


def check_mood_vote(member, thread: Thread, *, reading: bool = False) -> None:
    """Whether the member may give this thread a mood (the daily limit is counted by the service)."""
    _check_reader(member, thread, reading=reading)
    if thread.author_id == member.pk:
        raise PermissionDenied(_("You cannot rate your own thread."))
    if rules_for(member).daily_mood_votes <= 0:
        raise PermissionDenied(_("Your user group may not rate threads."))


def check_floor_like(member, floor: Floor) -> None:
    _check_reader(member, floor.thread)
    if floor.is_deleted or floor.is_waiting:
        raise PermissionDenied(_("This floor cannot be liked."))
    if floor.author_id == member.pk:
        raise PermissionDenied(_("You cannot like your own floor."))


def _mood(mood_id: int) -> config.MoodInfo:
    found = config.all_moods().get(mood_id)
    if found is None or not found.enabled:
        raise ValidationError(_("There is no such mood. Choose one of the moods shown."), code="mood_unknown")
    return found


def _locked_thread(thread_id: int) -> Thread:
    try:
        return Thread.objects.select_for_update().select_related("board").get(pk=thread_id)
    except Thread.DoesNotExist:
        raise ValidationError(_("That thread does not exist."), code="thread_unknown") from None


def _day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def _reward_of(entries) -> Reward:
    return [[e.credit_type_id, e.delta] for e in entries if e.delta]


def _take_back(member_id: int, reward: Reward, *, operation: str, thread_id: int, locked, now, note: str) -> None:
    """Undoes a reward (or a cost) that a reaction paid: at most what is there is taken."""
    changes = [Change(member_id, type_id, -delta) for type_id, delta in reward]
    if changes:
        credit_apply(changes=changes, operation=operation, subject_kind="thread", subject_id=thread_id,
                     note=note, clamp=True, now=now, locked=locked)


# --- Moods -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoteResult:
    vote: MoodVote
    changed: bool  # False: the member had given this mood already, nothing happened
    previous: int | None  # the mood the member had given before, if they changed it


def mood_vote(*, member, thread_id: int, mood_id: int, now: datetime | None = None) -> VoteResult:
    """Gives the thread this mood from the member, or changes their mood to it: the old mood's credit
    effects are taken back and the new one's applied, all in the ledger. Giving the same mood again
    changes nothing (a double click)."""
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread_id)  # the thread's row first, then the members' rows
        check_mood_vote(member, thread)
        mood = _mood(mood_id)
        locked = lock_members([member.pk, thread.author_id])
        vote = MoodVote.objects.filter(thread=thread, member_id=member.pk).first()
        if vote is not None and vote.mood_id == mood.id:
            return VoteResult(vote=vote, changed=False, previous=None)
        day = _day_start(now)
        if vote is None or vote.voted_at < day:
            # The member's row is locked: nobody else counts this member's votes of today now.
            limit = rules_for(member).daily_mood_votes
            if MoodVote.objects.filter(member_id=member.pk, voted_at__gte=day).count() >= limit:
                raise ValidationError(
                    _("You have rated %(limit)s threads today, as many as your user group allows. Come back "
                      "tomorrow.") % {"limit": limit}, code="mood_daily_limit")
        previous = None
        if vote is not None:
            previous = vote.mood_id
            note = _("Mood changed")
            _take_back(thread.author_id, vote.author_reward, operation=Operation.MOOD_RECEIVED, thread_id=thread.pk,
                       locked=locked, now=now, note=note)
            _take_back(member.pk, vote.voter_reward, operation=Operation.MOOD_GIVEN, thread_id=thread.pk,
                       locked=locked, now=now, note=note)
            MoodTally.objects.filter(thread=thread, mood_id=vote.mood_id).update(count=F("count") - 1)
            _mood_withdrawn(thread, vote.mood_id, exclude_member=member.pk)
        else:
            vote = MoodVote(thread=thread, member_id=member.pk)
        vote.author_reward = vote.voter_reward = []
        if mood.voter_credit_id and mood.voter_amount:  # a price the voter must afford: not clamped
            vote.voter_reward = _reward_of(credit_apply(
                changes=[Change(member.pk, mood.voter_credit_id, mood.voter_amount)], operation=Operation.MOOD_GIVEN,
                subject_kind="thread", subject_id=thread.pk, note=mood.name, now=now, locked=locked))
        if mood.author_credit_id and mood.author_amount:  # a cost to the author goes down to the limit at most
            vote.author_reward = _reward_of(credit_apply(
                changes=[Change(thread.author_id, mood.author_credit_id, mood.author_amount)],
                operation=Operation.MOOD_RECEIVED, subject_kind="thread", subject_id=thread.pk, note=mood.name,
                clamp=True, now=now, locked=locked))
        vote.mood_id = mood.id
        vote.voted_at = now
        vote.save()
        if not MoodTally.objects.filter(thread=thread, mood_id=mood.id).update(count=F("count") + 1):
            MoodTally.objects.create(thread=thread, mood_id=mood.id, count=1)
        if previous is None:
            Thread.objects.filter(pk=thread.pk).update(mood_count=F("mood_count") + 1)
        notices.thread_mood(thread=thread, member=member, mood_name=mood.name, mood_id=mood.id,
                            count=MoodTally.objects.filter(thread=thread, mood_id=mood.id)
                            .values_list("count", flat=True).first() or 1)
        pagecache.bump(f"thread:{thread.pk}")
    return VoteResult(vote=vote, changed=True, previous=previous)


def _mood_withdrawn(thread: Thread, mood_id: int, *, exclude_member: int) -> None:
    """The thread's notice of this mood loses the member who changed theirs (the vote is still theirs, of the
    old mood, until saved)."""
    voters = MoodVote.objects.filter(thread=thread, mood_id=mood_id).exclude(member_id=exclude_member)
    latest = list(voters.order_by("-voted_at", "-id").values_list("member__username", flat=True)[:NAMES_KEPT])
    info = config.all_moods().get(mood_id)
    notices.thread_mood_withdrawn(thread=thread, mood_name=info.name if info else "", mood_id=mood_id,
                                  count=voters.count(), names=latest)


# --- Likes -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LikeResult:
    floor: Floor
    liked: bool  # the member's like is there now
    changed: bool  # False: it already was as asked (a double click)
    count: int


def floor_like(*, member, floor_id: int, like: bool = True, now: datetime | None = None) -> LikeResult:
    """Likes the floor (like=True) or takes the member's like back (like=False). A like earns the floor's
    author what the admin's rule for likes gives; taking it back takes that back. Asking for the state the
    like is already in changes nothing, so a double-sent form counts once."""
    now = now or timezone.now()
    with transaction.atomic():
        thread_id = Floor.objects.filter(pk=floor_id).values_list("thread_id", flat=True).first()
        if thread_id is None:
            raise ValidationError(_("That floor does not exist."), code="floor_unknown")
        thread = _locked_thread(thread_id)  # the thread's row first, then the members' rows
        floor = Floor.objects.only("id", "thread_id", "number", "author_id", "is_deleted", "is_waiting",
                                   "like_count").get(pk=floor_id)
        floor.thread = thread
        check_floor_like(member, floor)
        locked = lock_members([member.pk, floor.author_id])
        existing = FloorLike.objects.filter(floor_id=floor.pk, member_id=member.pk).first()
        if (existing is not None) == like:
            return LikeResult(floor=floor, liked=like, changed=False, count=floor.like_count)
        step = 1 if like else -1
        if like:
            reward = _reward_of(rule_reward(member_id=floor.author_id, action=Operation.LIKE_RECEIVED,
                                            subject_kind="floor", subject_id=floor.pk, now=now))
            FloorLike.objects.create(floor_id=floor.pk, thread=thread, member_id=member.pk, created_at=now,
                                     reward=reward)
        else:
            assert existing is not None  # noqa: S101 - (existing is not None) != like
            changes = [Change(floor.author_id, type_id, -delta) for type_id, delta in existing.reward]
            if changes:
                credit_apply(changes=changes, operation=Operation.LIKE_RECEIVED, subject_kind="floor",
                             subject_id=floor.pk, note=_("Like taken back"), clamp=True, now=now, locked=locked)
            existing.delete()
        Floor.objects.filter(pk=floor.pk).update(like_count=F("like_count") + step)
        Thread.objects.filter(pk=thread.pk).update(like_count=F("like_count") + step)
        if like:
            notices.floor_liked(floor=floor, thread=thread, member=member, count=floor.like_count + 1)
        else:
            latest = list(FloorLike.objects.filter(floor_id=floor.pk).order_by("-created_at", "-id")
                          .values_list("member__username", flat=True)[:NAMES_KEPT])
            notices.floor_unliked(floor=floor, thread=thread, count=floor.like_count - 1, names=latest)
        pagecache.bump(f"thread:{thread.pk}")
    return LikeResult(floor=floor, liked=like, changed=True, count=floor.like_count + step)


# --- Rebuilding the counters ---------------------------------------------------------------------------------

def reactions_recount(*, thread_id: int) -> None:
    """Rebuilds the thread's mood tallies, mood count and like counts from the votes and likes."""
    with transaction.atomic():
        thread = _locked_thread(thread_id)
        tallies = dict(MoodVote.objects.filter(thread=thread).values_list("mood_id").annotate(n=Count("id")))
        MoodTally.objects.filter(thread=thread).exclude(mood_id__in=list(tallies)).delete()
        for mood_id, n in tallies.items():
            MoodTally.objects.update_or_create(thread=thread, mood_id=mood_id, defaults={"count": n})
        likes = dict(FloorLike.objects.filter(thread=thread).values_list("floor_id").annotate(n=Count("id")))
        Floor.objects.filter(thread=thread).exclude(pk__in=list(likes)).exclude(like_count=0).update(like_count=0)
        for floor_id, n in likes.items():
            Floor.objects.filter(pk=floor_id).update(like_count=n)
        Thread.objects.filter(pk=thread.pk).update(mood_count=sum(tallies.values()), like_count=sum(likes.values()))
        pagecache.bump(f"thread:{thread.pk}")


def reactions_recount_all() -> int:
    """Rebuilds the mood and like counts of every thread where they differ from the votes and likes (`luntan
    recount`); returns how many threads were wrong."""
    likes = dict(FloorLike.objects.order_by().values_list("floor_id").annotate(n=Count("id")))
    tallies = {(t, m): n for t, m, n in MoodVote.objects.order_by().values_list("thread_id", "mood_id")
               .annotate(n=Count("id"))}
    wrong = {t for pk, t, held in Floor.objects.filter(like_count__gt=0).values_list("pk", "thread_id", "like_count")
             if held != likes.get(pk, 0)}
    wrong |= set(FloorLike.objects.filter(floor__like_count=0).values_list("thread_id", flat=True))
    held_tallies = {(t, m): n for t, m, n in MoodTally.objects.values_list("thread_id", "mood_id", "count")}
    wrong |= {key[0] for key in held_tallies.keys() | tallies.keys()
              if held_tallies.get(key, 0) != tallies.get(key, 0)}
    moods_of: dict[int, int] = {}
    for (t, _m), n in tallies.items():
        moods_of[t] = moods_of.get(t, 0) + n
    likes_of = dict(FloorLike.objects.order_by().values_list("thread_id").annotate(n=Count("id")))
    held = {pk: (moods, liked) for pk, moods, liked in Thread.objects.filter(Q(mood_count__gt=0) | Q(like_count__gt=0))
            .values_list("pk", "mood_count", "like_count")}
    wrong |= {t for t in held.keys() | moods_of.keys() | likes_of.keys()
              if held.get(t, (0, 0)) != (moods_of.get(t, 0), likes_of.get(t, 0))}
    for thread_id in sorted(wrong):
        reactions_recount(thread_id=thread_id)
    return len(wrong)


# --- Administration ------------------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the moods."))


def mood_save(*, by, mood: Mood) -> Mood:
    _check_admin(by)
    if (mood.author_amount and mood.author_credit_id is None) or (mood.voter_amount and mood.voter_credit_id is None):
        raise ValidationError(_("Choose the credit type of each amount."), code="mood_type_missing")
    with transaction.atomic():
        mood.save()
        config.changed()
    return mood


def mood_delete(*, by, mood: Mood) -> None:
    """A mood that members have given is kept (disable it instead): its votes still count."""
    _check_admin(by)
    with transaction.atomic():
        if MoodVote.objects.filter(mood=mood).exists():
            raise ValidationError(_("Members have given this mood; disable it instead of deleting it."),
                                  code="mood_in_use")
        MoodTally.objects.filter(mood=mood).delete()
        mood.delete()
        config.changed()
