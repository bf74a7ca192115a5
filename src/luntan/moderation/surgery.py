"""Thread surgery: merging two threads (合并主题), splitting floors off into a new thread (拆分主题), sticking
a reply to the top of its thread (置顶回复) and approving or rejecting waiting posts (审核).

Each action is one transaction: the threads are locked (in id order, before any member row), the permission
is checked on the locked rows, the floors move, every counter changes in step, the action is logged and
the pages' scopes are bumped after commit. A repeat of an action already done changes nothing.

Floor numbers keep their promise (forum.queries.thread_floors reads pages by number range): a thread's
floors are numbered 1..last_floor without a gap. A merge appends the other thread's floors after the last
one; a split leaves a placeholder (a deleted floor linking to the floor that moved) at each number it
empties, and numbers the new thread 1..n."""

import re
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.core import pagecache
from luntan.forum import permissions, signals
from luntan.forum import services as forum
from luntan.forum.models import Board, Floor, Submission, Thread
from luntan.moderation import queries
from luntan.moderation.log import record
from luntan.moderation.models import ModerationLog
from luntan.notices.services import notify

MAX_SPLIT_FLOORS = 200
MAX_BATCH = 100
REASON_CHARS = 200
NOTICE_KIND = "moderation"


def _bump(*threads: Thread) -> None:
    scopes = {"site"} | {f"thread:{t.pk}" for t in threads} | {f"board:{t.board_id}" for t in threads}
    pagecache.bump(*sorted(scopes))


def _lock_threads(*ids: int) -> dict[int, Thread]:
    """The threads' rows, locked in id order (two moderators merging the same pair wait, never deadlock)."""
    rows = (Thread.objects.select_for_update(of=("self",)).select_related("board__parent")
            .filter(pk__in=set(ids)).order_by("pk"))
    return {t.pk: t for t in rows}


def _clean_reason(reason: str) -> str:
    return (reason or "").strip()[:REASON_CHARS]


def _with_reason(text: str, reason: str) -> str:
    return text + (" " + _("Reason: %(reason)s") % {"reason": reason} if reason else "")


def _usable(thread: Thread) -> None:
    """A thread a merge or split may work on: there, not a stub, not waiting."""
    if thread.moved_to_id is not None:
        raise ValidationError(_("The thread “%(title)s” was merged into another one already.")
                              % {"title": thread.title}, code="stub")
    if thread.is_deleted:
        raise ValidationError(_("The thread “%(title)s” has been deleted; restore it first.") % {"title": thread.title},
                              code="deleted")
    if thread.is_waiting:
        raise ValidationError(_("The thread “%(title)s” is waiting for approval; approve it first.")
                              % {"title": thread.title}, code="waiting")


def _last_posts(*board_ids: int) -> None:
    for board_id in set(board_ids):
        Board.objects.filter(pk=board_id).update(**forum._board_last_post(board_id))


def _counted_authors(floors) -> Counter:
    """Posts per author of the floors that count (neither deleted nor waiting)."""
    return Counter(floors.filter(is_deleted=False, is_waiting=False).values_list("author_id", flat=True))


# --- 合并主题 ------------------------------------------------------------------------------------------------------

def thread_merge(*, member: Member, thread: Thread, other: Thread, reason: str = "",
                 notify_author: bool = False) -> Thread:
    """Merges `other` (B) into `thread` (A). B's floors follow A's last floor in their own order, numbered on
    from A's last number (A's floors keep theirs); B stays as a deleted stub pointing to A (Thread.moved_to),
    so its address leads to A and it leaves every list and count. B's opening post becomes a reply of A.

    Credits: nothing changes hands. B's author keeps the thread reward B earned: the post was written and
    rewarded as a thread, and the merge is the moderator's decision, not the author's (a moderator who thinks
    otherwise deletes it instead, which takes the reward back). Returns A."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _lock_threads(thread.pk, other.pk)
        a, b = locked.get(thread.pk), locked.get(other.pk)
        if a is None or b is None:
            raise ValidationError(_("That thread no longer exists."), code="gone")
        permissions.check_moderate_thread(member, a)
        permissions.check_moderate_thread(member, b)
        if b.moved_to_id == a.pk:  # done already: a second submission changes nothing
            return a
        if a.pk == b.pk:
            raise ValidationError(_("A thread cannot be merged into itself."), code="same")
        _usable(a)
        _usable(b)
        offset = a.last_floor
        per_author = _counted_authors(b.floors.all())
        moved = per_author.total()
        b_opening = list(Floor.objects.filter(thread=b, number=1).values_list("pk", flat=True))
        Floor.objects.filter(thread=b).update(thread=a, number=F("number") + offset)
        signals.text_changed.send(Floor, floor_ids=b_opening)  # B's opening post is a reply now: no title
        # The last reply is the highest floor not waiting (as thread_recount reads it): B's last one, unless all
        # of B's floors above A's still wait.
        top = Floor.objects.filter(thread=a, is_waiting=False).select_related("author").only(
            "number", "created_at", "author__id", "author__username").order_by("-number").first()
        last = {}
        if top is not None and top.number > offset:
            last = {"last_reply_at": max(top.created_at, a.bumped_at or top.created_at),
                    "last_replier_id": top.author_id, "last_replier_name": top.author.username}
        Thread.objects.filter(pk=a.pk).update(
            last_floor=offset + b.last_floor, reply_count=F("reply_count") + moved,
            like_count=F("like_count") + b.like_count, **last)
        Thread.objects.filter(pk=b.pk).update(is_deleted=True, moved_to=a, reply_count=0, like_count=0,
                                              pinned_floor=None)
        Thread.objects.filter(moved_to=b).update(moved_to=a)  # stubs left by a move of B now lead to A
        Member.objects.filter(pk=b.author_id).update(
            thread_count=F("thread_count") - 1, digest_count=F("digest_count") - (1 if b.digest else 0))
        if a.board_id == b.board_id:
            Board.objects.filter(pk=a.board_id).update(thread_count=F("thread_count") - 1)
        else:
            Board.objects.filter(pk=b.board_id).update(thread_count=F("thread_count") - 1,
                                                       post_count=F("post_count") - moved)
            Board.objects.filter(pk=a.board_id).update(post_count=F("post_count") + moved)
        _last_posts(a.board_id, b.board_id)
        detail = _("Thread #%(id)s “%(title)s” merged in as floors %(first)s–%(last)s") % {
            "id": b.pk, "title": b.title, "first": offset + 1, "last": offset + b.last_floor}
        record(actor=member, action=ModerationLog.Action.MERGE, thread=a, member=b.author, detail=detail,
               reason=reason)
        if notify_author and b.author_id != member.pk:
            notify(member_id=b.author_id, kind=NOTICE_KIND, url=reverse("forum:floor", args=[a.pk, offset + 1]),
                   text=_with_reason(_("Your thread “%(title)s” was merged into “%(into)s” by %(moderator)s.") % {
                       "title": b.title, "into": a.title, "moderator": member.username}, reason))
        _bump(a, b)
    a.refresh_from_db()
    return a


# --- 拆分主题 ------------------------------------------------------------------------------------------------------

_RANGE = re.compile(r"^([0-9]{1,9})(?:\s*[-–—~～－至到]\s*([0-9]{1,9}))?$")


def parse_floor_numbers(text: str) -> list[int]:
    """"3, 5-8" (or 3，5~8 in Chinese punctuation) -> [3, 5, 6, 7, 8]; a ValidationError in the member's
    words for anything else."""
    numbers: set[int] = set()
    for part in re.split(r"[\s,，、;；]+", (text or "").strip()):
        if not part:
            continue
        found = _RANGE.match(part)
        if not found:
            raise ValidationError(_("“%(part)s” is not a floor number; write numbers and ranges such as 3, 5-8.")
                                  % {"part": part[:20]}, code="floors_format")
        low = int(found.group(1))
        high = int(found.group(2) or low)
        if high < low:
            low, high = high, low
        if high - low >= MAX_SPLIT_FLOORS or len(numbers) + high - low + 1 > MAX_SPLIT_FLOORS:
            raise ValidationError(_("At most %(max)s floors can be split off at once.") % {"max": MAX_SPLIT_FLOORS},
                                  code="floors_many")
        numbers.update(range(low, high + 1))
    if not numbers:
        raise ValidationError(_("Please name the floors to split off, such as 3, 5-8."), code="floors_empty")
    if 1 in numbers:
        raise ValidationError(_("Floor 1 opens the thread and cannot be split off; choose replies only."),
                              code="floors_opening")
    return sorted(numbers)


def _split_replay(member: Member, key: str | None) -> Thread | None:
    if not key:
        return None
    found = Submission.objects.filter(member=member, key=key).select_related("floor__thread").first()
    return found.floor.thread if found else None


def thread_split(*, member: Member, thread: Thread, numbers: list[int], title: str, board: Board | None = None,
                 reason: str = "", notify_authors: bool = False, submission_key: str | None = None) -> Thread:
    """Splits the floors `numbers` (replies, not floor 1) of `thread` (A) off into a new thread titled
    `title` in `board` (A's by default; another only if the member moderates it too). The floors keep their
    rows (likes, history and the credits they earned go with them) and are numbered 1..n in their order; the
    first becomes the new thread's opening post. At each number it leaves, A gets a placeholder: a deleted
    floor with the same author and time, linking to the floor that moved. A's numbers, last floor and last
    reply stay as they were, its reply count drops by n.

    Credits: nothing changes hands; the new opening post keeps the reply reward it earned and gets no thread
    reward (its author did not open a thread). The form's submission key makes a repeat return the thread
    the first submission made."""
    key = (submission_key or "")[:64] or None
    if (replay := _split_replay(member, key)) is not None:
        return replay
    title = forum.clean_title(title)
    numbers = parse_floor_numbers(",".join(str(n) for n in numbers))
    reason = _clean_reason(reason)
    try:
        return _split(member=member, thread=thread, numbers=numbers, title=title, board=board, reason=reason,
                      notify_authors=notify_authors, key=key)
    except IntegrityError:
        if (replay := _split_replay(member, key)) is None:
            raise
        return replay


def _split(*, member, thread, numbers, title, board, reason, notify_authors, key) -> Thread:
    with transaction.atomic():
        a = _lock_threads(thread.pk).get(thread.pk)
        if a is None:
            raise ValidationError(_("That thread no longer exists."), code="gone")
        permissions.check_moderate_thread(member, a)
        target = board if board is not None else a.board
        if target.pk != a.board_id and not permissions.is_moderator(member, target):
            raise PermissionDenied(_("You do not moderate the board “%(board)s”.") % {"board": target.name})
        _usable(a)
        floors = list(Floor.objects.filter(thread=a, number__in=numbers).select_related("author")
                      .only("id", "number", "author__id", "author__username", "created_at", "format", "is_deleted",
                            "is_waiting", "moved_floor_id", "like_count").order_by("number"))
        absent = sorted(set(numbers) - {f.number for f in floors})
        if absent:
            raise ValidationError(_("This thread has no floor %(numbers)s; it has %(last)s floors.") % {
                "numbers": _listed(absent), "last": a.last_floor}, code="floors_absent")
        unfit = [f.number for f in floors if f.is_deleted or f.is_waiting or f.moved_floor_id]
        if unfit:
            raise ValidationError(_("Floors %(numbers)s are deleted, moved or waiting for approval; they cannot "
                                    "be split off.") % {"numbers": _listed(unfit)}, code="floors_unfit")
        first, last = floors[0], floors[-1]
        likes = sum(f.like_count for f in floors)
        new = Thread.objects.create(
            board=target, title=title, author_id=first.author_id, created_at=first.created_at,
            last_reply_at=last.created_at, last_replier_id=last.author_id,
            last_replier_name=last.author.username, reply_count=len(floors) - 1, last_floor=len(floors),
            like_count=likes)
        Floor.objects.filter(pk__in=[f.pk for f in floors]).update(
            thread=new, number=Case(*[When(pk=f.pk, then=Value(i)) for i, f in enumerate(floors, 1)],
                                    output_field=IntegerField()))
        signals.text_changed.send(Floor, floor_ids=[floors[0].pk])  # the new thread's floor 1 has its title
        Floor.objects.bulk_create([
            Floor(thread=a, number=f.number, author_id=f.author_id, source="", format=f.format, html="",
                  created_at=f.created_at, is_deleted=True, moved_floor_id=f.pk) for f in floors])
        Thread.objects.filter(pk=a.pk).update(
            reply_count=F("reply_count") - len(floors), like_count=F("like_count") - likes,
            **({"pinned_floor": None} if a.pinned_floor in numbers else {}))
        Member.objects.filter(pk=first.author_id).update(thread_count=F("thread_count") + 1)
        if target.pk == a.board_id:
            Board.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1)
        else:
            Board.objects.filter(pk=a.board_id).update(post_count=F("post_count") - len(floors))
            Board.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1,
                                                      post_count=F("post_count") + len(floors))
        _last_posts(a.board_id, target.pk)
        if key:
            Submission.objects.create(member=member, key=key, floor_id=first.pk)
        record(actor=member, action=ModerationLog.Action.SPLIT, thread=a, floor_number=first.number,
               detail=_("Floors %(numbers)s split off into thread #%(id)s “%(title)s”") % {
                   "numbers": _listed(numbers), "id": new.pk, "title": title}, reason=reason)
        if notify_authors:
            for author_id in sorted({f.author_id for f in floors} - {member.pk}):
                notify(member_id=author_id, kind=NOTICE_KIND, url=reverse("forum:thread", args=[new.pk]),
                       text=_with_reason(_("Your posts in “%(title)s” were moved to the new thread “%(new)s” by "
                                           "%(moderator)s.") % {"title": a.title, "new": title,
                                                                "moderator": member.username}, reason))
        _bump(a, new)
    return new


def _listed(numbers: list[int]) -> str:
    """[3, 5, 6, 7] -> "3, 5-7"."""
    parts: list[str] = []
    run: list[int] = []
    for n in sorted(numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)


# --- 置顶回复 ------------------------------------------------------------------------------------------------------

def reply_stick(*, member: Member, thread: Thread, number: int | None, reason: str = "",
                notify_author: bool = False) -> Thread:
    """Sticks reply `number` to the top of its thread (shown again under floor 1), replacing the one stuck
    before; None unsticks. Sticking the reply already stuck, or unsticking none, changes nothing."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = _lock_threads(thread.pk).get(thread.pk)
        if current is None:
            raise ValidationError(_("That thread no longer exists."), code="gone")
        permissions.check_moderate_thread(member, current)
        if number == current.pinned_floor:
            return current
        floor = None
        if number is not None:
            if number == 1:
                raise ValidationError(_("Floor 1 is always at the top; choose a reply."), code="opening")
            floor = current.floors.filter(number=number).first()
            if floor is None:
                raise ValidationError(_("This thread has no floor %(number)s.") % {"number": number}, code="absent")
            if floor.is_deleted or floor.is_waiting:
                raise ValidationError(_("A deleted or waiting floor cannot be stuck to the top."), code="unfit")
        was = current.pinned_floor
        Thread.objects.filter(pk=current.pk).update(pinned_floor=number)
        record(actor=member, action=ModerationLog.Action.STICK_REPLY, thread=current,
               floor_number=number or was, member=floor.author if floor else None,
               detail=_("Stuck to the top") if number else _("Unstuck"), reason=reason)
        if notify_author and floor is not None and floor.author_id != member.pk:
            notify(member_id=floor.author_id, kind=NOTICE_KIND, url=reverse("forum:floor", args=[current.pk, number]),
                   text=_with_reason(_("Your reply in “%(title)s” was stuck to the top of the thread by "
                                       "%(moderator)s.") % {"title": current.title, "moderator": member.username},
                                     reason))
        current.pinned_floor = number
        _bump(current)
    return current


# --- 审核 (approval) -----------------------------------------------------------------------------------------------

def _waiting(floor: Floor, thread: Thread) -> bool:
    """Whether the post still waits: floor 1 waits with its thread, a reply on its own."""
    if floor.is_deleted or thread.is_deleted:
        return False
    return thread.is_waiting if floor.number == 1 else floor.is_waiting


@dataclass(frozen=True)
class Decided:
    """What a batch of approvals or rejections did: the posts it changed (the others were decided already)."""

    floors: list[Floor]


def _decide(*, member: Member, floor_ids: list[int], approve: bool, reason: str, notify_author: bool) -> Decided:
    ids = sorted({int(i) for i in floor_ids})[:MAX_BATCH]
    if not ids:
        raise ValidationError(_("Please choose at least one post."), code="none")
    reason = _clean_reason(reason)
    now = timezone.now()
    done: list[Floor] = []
    with transaction.atomic():
        thread_ids = set(Floor.objects.filter(pk__in=ids).values_list("thread_id", flat=True))
        threads = _lock_threads(*thread_ids)
        for thread in threads.values():  # every post's board first: a forbidden batch changes nothing
            permissions.check_moderate_thread(member, thread)
        floors = list(Floor.objects.filter(pk__in=ids).select_related("author").order_by("thread_id", "number"))
        for floor in floors:
            thread = threads[floor.thread_id]
            if not _waiting(floor, thread):
                continue
            if approve:
                forum.post_count_in(floor=floor, thread=thread, now=now)
                if floor.number == 1:
                    thread.is_waiting = False
            elif floor.number == 1:  # never counted: nothing to take out of a count
                # A deleted thread as any other: restoring it from the recycle bin counts it in.
                Floor.objects.filter(pk=floor.pk).update(is_deleted=True, is_waiting=False)
                Thread.objects.filter(pk=thread.pk).update(is_deleted=True, is_waiting=False)
                thread.is_deleted = True
            else:
                # Deleted and still marked waiting (rejected): never the thread's last reply.
                Floor.objects.filter(pk=floor.pk).update(is_deleted=True)
            record(actor=member, action=ModerationLog.Action.APPROVE if approve else ModerationLog.Action.REJECT,
                   thread=thread, floor_number=floor.number, member=floor.author,
                   detail=_("Thread") if floor.number == 1 else _("Reply"), reason=reason)
            if notify_author and floor.author_id != member.pk:
                _tell(floor, thread, approve=approve, reason=reason, moderator=member)
            done.append(floor)
            _bump(thread)
    return Decided(floors=done)


def _tell(floor: Floor, thread: Thread, *, approve: bool, reason: str, moderator: Member) -> None:
    words = {"title": thread.title, "moderator": moderator.username}
    if approve:
        text = (_("Your thread “%(title)s” was approved by %(moderator)s.") if floor.number == 1
                else _("Your reply in “%(title)s” was approved by %(moderator)s.")) % words
        url = reverse("forum:floor", args=[thread.pk, floor.number])
    else:
        text = (_("Your thread “%(title)s” was not approved by %(moderator)s.") if floor.number == 1
                else _("Your reply in “%(title)s” was not approved by %(moderator)s.")) % words
        url = "" if floor.number == 1 else reverse("forum:thread", args=[thread.pk])
    notify(member_id=floor.author_id, kind=NOTICE_KIND, text=_with_reason(text, reason), url=url)


def posts_approve(*, member: Member, floor_ids: list[int], reason: str = "", notify_author: bool = False) -> Decided:
    """Approves waiting posts (a waiting thread by its floor 1): each is counted in as if posted now
    (forum.services.post_count_in: board, thread and member counts, last posts, the credit rule's reward).
    One transaction for the batch; posts decided already are skipped, so a repeat changes nothing."""
    return _decide(member=member, floor_ids=floor_ids, approve=True, reason=reason, notify_author=notify_author)


def posts_reject(*, member: Member, floor_ids: list[int], reason: str = "", notify_author: bool = False) -> Decided:
    """Rejects waiting posts: each is deleted (a waiting thread with its floor 1) and, never counted, takes
    nothing out of any count; the author may be told why."""
    return _decide(member=member, floor_ids=floor_ids, approve=False, reason=reason, notify_author=notify_author)


# --- Reads ---------------------------------------------------------------------------------------------------------

def waiting_posts(member, *, board_id: int | None = None, limit: int = MAX_BATCH) -> tuple[list[Floor], int]:
    """The waiting threads (by their floor 1) and replies on the boards this member moderates (or on one of
    them), oldest first, with their thread, board and author: (the first `limit`, how many in all)."""
    boards = queries.boards_moderated_by(member)
    qs = Floor.objects.filter(is_deleted=False, thread__is_deleted=False).filter(
        Q(number=1, thread__is_waiting=True) | Q(number__gt=1, is_waiting=True))
    if boards is not None:
        qs = qs.filter(thread__board_id__in=boards)
    if board_id is not None:
        qs = qs.filter(thread__board_id=board_id)
    total = qs.count()
    rows = list(qs.select_related("thread__board", "author")
                .only("id", "number", "html", "created_at", "author__id", "author__username", "thread__id",
                      "thread__title", "thread__is_waiting", "thread__board__id", "thread__board__name")
                .order_by("created_at", "id")[:limit]) if total else []
    return rows, total
