"""Writes to the forum: each is one transaction, checks its permission first, keeps every counter
in step in the same transaction, and lets caches know after commit."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.core import counters, pagecache
from luntan.core.idempotent import idempotent
from luntan.core.text import clean_body, clean_line
from luntan.credits import services as credits
from luntan.credits.models import CreditEntry, Operation
from luntan.forum import moderators, permissions, signals
from luntan.forum.extensions import FLOOR_PARTS_SAVERS, FLOOR_WRITTEN, POST_GUARDS
from luntan.forum.models import Board, BoardAccess, Category, Floor, FloorRevision, Submission, Thread
from luntan.markup.conditions import MAX_AMOUNT, Part, sell_whole, sold_whole
from luntan.medals import services as medals  # medals earned by posting or digests
from luntan.moderation import log as modlog
from luntan.moderation.models import ModerationLog
from luntan.notices import events as notices
from luntan.notices.mentions import cook_post
from luntan.protection import words  # 敏感词: every post goes through the watched words


def clean_title(raw: str) -> str:
    title = clean_line(raw or "")
    if not title:
        raise ValidationError(_("Please enter a title."), code="title_empty")
    most = settings.LUNTAN["MAX_TITLE_CHARS"]
    if len(title) > most:
        raise ValidationError(
            _("The title is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(title), "max": most}, code="title_long",
        )
    return title


def clean_source(raw: str) -> str:
    source = clean_body(raw or "")
    if not source.strip():
        raise ValidationError(_("Please write something before sending."), code="body_empty")
    most = settings.LUNTAN["MAX_BODY_CHARS"]
    if len(source) > most:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(source), "max": most}, code="body_long",
        )
    return source


def clean_price(raw) -> int:
    """A thread price as typed (empty: free). Whether the author may ask it is the paid content's own check
    (luntan.hidden), made when it is saved."""
    if raw in (None, ""):
        return 0
    try:
        price = int(raw)
    except (TypeError, ValueError):
        price = -1
    if not 0 <= price <= MAX_AMOUNT:
        raise ValidationError(_("Please enter the price as a whole number, 0 for free."), code="price_invalid")
    return price


def clean_format(raw: str) -> str:
    if raw not in Floor.Format.values:
        raise ValidationError(_("Unknown text format."), code="format")
    return raw


def _bump_caches(thread: Thread) -> None:
    pagecache.bump(f"thread:{thread.pk}", f"board:{thread.board_id}", "site")


def _count_post_on_board(board_id: int, *, now, new_thread: bool, thread: Thread) -> None:
    """Adds one post (and maybe one thread) to the board, rolling today's counter over at midnight in the
    same UPDATE so that two writers on either side of midnight cannot both reset it."""
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    Board.objects.filter(pk=board_id).update(
        post_count=F("post_count") + 1,
        thread_count=F("thread_count") + (1 if new_thread else 0),
        yesterday_posts=Case(
            When(today_date=today, then=F("yesterday_posts")),
            When(today_date=yesterday, then=F("today_posts")),
            default=Value(0), output_field=IntegerField(),
        ),
        today_posts=Case(
            When(today_date=today, then=F("today_posts") + 1), default=Value(1), output_field=IntegerField(),
        ),
        today_date=today,
        last_thread=thread,
        last_thread_title=thread.title,
        last_post_at=now,
        last_poster_name=thread.last_replier_name,
    )


def _guarded(member: Member, *, kind: str, html: str, ip: str | None) -> None:
    """The checks other apps register (forum.extensions.register_post_guard), before anything is written."""
    for guard in POST_GUARDS:
        guard(member, kind=kind, html=html, ip=ip)


def _save_parts(floor: Floor, parts: list[Part], *, edited: bool) -> None:
    """A floor's [hide]/[sell] parts, cut from its public HTML, kept by the app that shows them."""
    if parts or edited:
        for saver in FLOOR_PARTS_SAVERS:
            saver(floor, parts, edited=edited)


def _replayed(author: Member, key: str | None) -> Floor | None:
    if not key:
        return None
    found = Submission.objects.filter(member=author, key=key).select_related("floor__thread").first()
    return found.floor if found else None


_idempotent = idempotent(_replayed)


def _count_thread_in(thread: Thread, *, now) -> None:
    """Counts a thread in where it shows: its board's counts and last post, its author's counts, the
    credits and medals of posting. Run when the thread is posted, or when a moderator approves a thread
    that waited (approve_waiting): a waiting thread is in no count until then."""
    _count_post_on_board(thread.board_id, now=now, new_thread=True, thread=thread)
    Member.objects.filter(pk=thread.author_id).update(
        post_count=F("post_count") + 1, thread_count=F("thread_count") + 1
    )
    credits.rule_reward(member_id=thread.author_id, action=Operation.THREAD, subject_kind="thread",
                        subject_id=thread.pk, now=now)
    medals.medals_after_post(member_id=thread.author_id, floor_number=1)  # medals earned by posting


def _count_reply_in(thread: Thread, floor: Floor, *, author_name: str, now) -> None:
    """Counts a reply in: the thread's replies and last reply (unless a later reply is already counted),
    the board's counts and last post, the author's posts, credits and medals. Run when the reply is posted,
    or when a moderator approves a reply that waited. `thread` is the locked row."""
    newest = floor.created_at >= thread.last_reply_at
    last = {"last_reply_at": floor.created_at, "last_replier_id": floor.author_id,
            "last_replier_name": author_name} if newest else {}
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, **last)
    if newest:
        thread.last_reply_at, thread.last_replier_name = floor.created_at, author_name
    _count_post_on_board(thread.board_id, now=now, new_thread=False, thread=thread)
    Member.objects.filter(pk=floor.author_id).update(post_count=F("post_count") + 1)
    credits.rule_reward(member_id=floor.author_id, action=Operation.REPLY, subject_kind="floor",
                        subject_id=floor.pk, now=now)
    medals.medals_after_post(member_id=floor.author_id, floor_number=floor.number)  # medals earned by posting


@_idempotent
def thread_create(*, author: Member, board: Board, title: str, source: str, fmt: str,
                  ip: str | None = None, submission_key: str | None = None, thread_type=None,
                  extras: Sequence[Callable[[Floor], None]] = (), price: int = 0) -> Floor:
    """Opens a thread with its first floor (楼主); returns that floor. `extras` (a poll: extensions'
    new-thread parts) are made in the same transaction, with floor 1. With a `price` (主题售价) floor 1 is sold
    whole: none of its text is public, and it mentions nobody. `thread_type` must be one of the
    board's types (分类), and is needed when the board requires one. On a board whose new posts wait for
    approval (for this member's group), the thread and its floor 1 wait: shown to the board's moderators
    only, and in no count until approved."""
    permissions.check_new_thread(author, board)
    title, source, fmt, price = clean_title(title), clean_source(source), clean_format(fmt), clean_price(price)
    verdict = words.check_post(title=title, source=source, fmt=fmt)  # refused, starred, held or flagged
    title, source = clean_title(verdict.title or ""), clean_source(verdict.source)  # the stars' length too
    if thread_type is not None and thread_type.board_id != board.pk:
        raise ValidationError(_("Please choose one of this board's thread types."), code="thread_type")
    if thread_type is None and board.types_required and board.thread_types.exists():
        raise ValidationError(_("Please choose a thread type: this board requires one."), code="type_required")
    cooked, mentioned = cook_post(source, fmt=fmt, author=author)  # [hide]/[sell] parts apart; @names linked
    if price:
        cooked, mentioned = sell_whole(cooked, price), {}  # a sold text tells nobody of itself
    html = cooked.html
    _guarded(author, kind="thread", html=cooked.whole_html, ip=ip)
    now = timezone.now()
    waiting = permissions.needs_approval(author, board) or verdict.held
    with transaction.atomic():
        thread = Thread.objects.create(
            board=board, title=title, author=author, created_at=now, last_reply_at=now,
            last_replier=author, last_replier_name=author.username, last_floor=1, thread_type=thread_type,
            is_waiting=waiting, price=price,
        )
        audience = notices.post_audience(thread=thread, author=author, source=source, mentioned=mentioned, first=True)
        floor = Floor.objects.create(
            thread=thread, number=1, author=author, source=source, format=fmt, html=html,
            created_at=now, author_ip=ip or None, is_waiting=waiting,
        )
        _save_parts(floor, cooked.parts, edited=False)
        if verdict.flagged:
            words.flag_floor(floor=floor, verdict=verdict)
        if submission_key:
            Submission.objects.create(member=author, key=submission_key, floor=floor)
        for hook in FLOOR_WRITTEN:
            hook(floor, html=html, new=True)
        for extra in extras:
            extra(floor)
        if not waiting:
            _count_thread_in(thread, now=now)
        notices.post_created(floor=floor, thread=thread, author=author, audience=audience)
        _bump_caches(thread)
    return floor


@_idempotent
def post_reply(*, author: Member, thread: Thread, source: str, fmt: str,
               ip: str | None = None, submission_key: str | None = None) -> Floor:
    """Adds the next floor to a thread. The thread row is locked first, so two replies at the same moment
    get consecutive floor numbers; the unique constraint on (thread, number) is the last guard."""
    source, fmt = clean_source(source), clean_format(fmt)
    verdict = words.check_post(source=source, fmt=fmt)  # refused, starred, held or flagged
    source = clean_source(verdict.source)  # the stars' length too
    cooked, mentioned = cook_post(source, fmt=fmt, author=author)  # [hide]/[sell] parts apart; @names linked
    html = cooked.html
    _guarded(author, kind="reply", html=cooked.whole_html, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        locked.board = thread.board  # the board row is not locked; its moderators are what the check needs
        permissions.check_reply(author, locked)
        waiting = permissions.needs_approval(author, locked.board) or verdict.held
        # Who the reply tells (their rows locked now, before the author's credits lock the author's).
        audience = notices.post_audience(thread=locked, author=author, source=source, mentioned=mentioned, first=False)
        number = locked.last_floor + 1
        floor = Floor.objects.create(
            thread=locked, number=number, author=author, source=source, format=fmt, html=html,
            created_at=now, author_ip=ip or None, is_waiting=waiting,
        )
        _save_parts(floor, cooked.parts, edited=False)
        if verdict.flagged:
            words.flag_floor(floor=floor, verdict=verdict)
        if submission_key:
            Submission.objects.create(member=author, key=submission_key, floor=floor)
        for hook in FLOOR_WRITTEN:
            hook(floor, html=html, new=True)
        # The number is handed out either way; a waiting reply is counted in when it is approved.
        Thread.objects.filter(pk=locked.pk).update(last_floor=number)
        if not waiting:
            _count_reply_in(locked, floor, author_name=author.username, now=now)
        notices.post_created(floor=floor, thread=locked, author=author, audience=audience)
        _bump_caches(locked)
    return floor


def floor_edit(*, editor: Member, floor: Floor, source: str, fmt: str, title: str | None = None,
               reason: str = "", ip: str | None = None, price: int | None = None) -> Floor:
    """Changes a floor's text (and, on floor 1, the thread's title and price: None keeps the price), keeping the
    old text as a revision. The buyers of a priced thread keep their access whatever the new price. A
    moderator's edit of someone else's floor goes to the moderation log, with its reason."""
    source, fmt = clean_source(source), clean_format(fmt)
    new_price = clean_price(price) if floor.number == 1 and price is not None else None
    new_title = clean_title(title) if floor.number == 1 and title is not None else None
    # 敏感词: a shown floor cannot go back to waiting, so a held word in an edit flags it for the moderators.
    verdict = words.check_post(title=new_title, source=source, fmt=fmt)
    source = clean_source(verdict.source)  # the stars' length too
    new_title = clean_title(verdict.title) if verdict.title is not None else None
    cooked, mentioned = cook_post(source, fmt=fmt, author=editor)  # [hide]/[sell] parts apart; @names linked
    # The price floor 1 is sold at from now on (the one it had, unless a new one is given).
    price = (new_price if new_price is not None else floor.thread.price) if floor.number == 1 else 0
    if price:
        cooked, mentioned = sell_whole(cooked, price), {}  # a sold text tells nobody of itself
    html = cooked.html
    _guarded(editor, kind="edit", html=cooked.whole_html, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread__board__parent").get(pk=floor.pk)
        permissions.check_edit_floor(editor, current)
        thread = current.thread
        FloorRevision.objects.create(
            floor=current, source=current.source, format=current.format,
            title=thread.title if current.number == 1 else "", replaced_at=now, replaced_by=editor,
        )
        Floor.objects.filter(pk=current.pk).update(
            source=source, format=fmt, html=html, edited_at=now, edited_by=editor,
            edited_by_name=editor.username,
        )
        _save_parts(current, cooked.parts, edited=True)
        if current.number == 1 and price != thread.price:
            Thread.objects.filter(pk=thread.pk).update(price=price)
        if new_title is not None and new_title != thread.title:
            Thread.objects.filter(pk=thread.pk).update(title=new_title)
            Board.objects.filter(pk=thread.board_id, last_thread=thread).update(last_thread_title=new_title)
        if verdict.flagged or verdict.held:
            words.flag_floor(floor=current, verdict=verdict)
        signals.text_changed.send(Floor, floor_ids=[current.pk])
        for hook in FLOOR_WRITTEN:
            hook(current, html=html, new=False)
        if current.author_id == editor.pk:  # a moderator's edit mentions nobody in the author's name
            notices.post_edited(floor=current, thread=thread, author=editor, mentioned=mentioned)
        if current.author_id != editor.pk:
            modlog.record(actor=editor, action=ModerationLog.Action.EDIT, thread=thread, floor_number=current.number,
                          member=current.author, reason=clean_line(reason or ""))
        _bump_caches(thread)
    current.refresh_from_db()
    return current


def floor_delete(*, member: Member, floor: Floor, reason: str = "") -> Floor:
    """Soft-deletes a floor; deleting floor 1 deletes the whole thread. Nothing is removed from the
    database, so floor numbers stay as they were and a moderator can still read it. A moderator's delete of
    someone else's floor goes to the moderation log, with its reason."""
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread__board__parent").get(pk=floor.pk)
        permissions.check_delete_floor(member, current)
        thread = current.thread
        if current.number == 1:
            _thread_delete(thread)
        elif current.is_waiting:  # never counted in: nothing to take out
            Floor.objects.filter(pk=current.pk).update(is_deleted=True)
        else:
            Floor.objects.filter(pk=current.pk).update(is_deleted=True)
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") - 1)
            if not thread.is_deleted:  # else it left the board's and member's counts with its thread
                Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") - 1)
                Member.objects.filter(pk=current.author_id).update(post_count=F("post_count") - 1)
                credits.rule_reward(member_id=current.author_id, action=Operation.REPLY_DELETED,
                                    subject_kind="floor", subject_id=current.pk)
        if current.author_id != member.pk:
            modlog.record(actor=member, action=ModerationLog.Action.DELETE, thread=thread,
                          floor_number=current.number, member=current.author, reason=clean_line(reason or ""))
        _bump_caches(thread)
    current.refresh_from_db()
    return current


def _thread_delete(thread: Thread) -> None:
    """Takes a thread and its floors out of every count, and floor 1 out of sight. A thread still waiting
    for approval was never counted in: only its flags change."""
    per_author = Counter(thread.floors.filter(is_deleted=False, is_waiting=False).values_list("author_id", flat=True))
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    Floor.objects.filter(thread=thread, number=1).update(is_deleted=True)
    if thread.is_waiting:
        return
    _count_thread_floors(thread, per_author, sign=-1)
    credits.rule_reward(member_id=thread.author_id, action=Operation.THREAD_DELETED, subject_kind="thread",
                        subject_id=thread.pk)


def _thread_restore(thread: Thread) -> None:
    """The reverse of _thread_delete: floor 1 back, and every floor not deleted on its own counted again."""
    Thread.objects.filter(pk=thread.pk).update(is_deleted=False)
    Floor.objects.filter(thread=thread, number=1).update(is_deleted=False)
    if thread.is_waiting:
        return
    per_author = Counter(thread.floors.filter(is_deleted=False, is_waiting=False).values_list("author_id", flat=True))
    _count_thread_floors(thread, per_author, sign=1)
    pay_back(subject_kind="thread", subject_id=thread.pk, taken=Operation.THREAD_DELETED,
             back=Operation.THREAD_RESTORED)


def pay_back(*, subject_kind: str, subject_id: int, taken: str, back: str) -> None:
    """Gives back, through the ledger, exactly what the `taken` entries (a delete's) took for this subject,
    less what earlier `back` entries already gave back: a restore repays the delete before it, however
    many times the thing went to the bin and came back."""
    owed = (CreditEntry.objects.filter(subject_kind=subject_kind, subject_id=subject_id, operation__in=(taken, back))
            .values("member_id", "credit_type_id").annotate(total=Sum("delta")).order_by("member_id", "credit_type_id"))
    changes = [credits.Change(row["member_id"], row["credit_type_id"], -row["total"])
               for row in owed if row["total"] < 0]
    if changes:
        credits.credit_apply(changes=changes, operation=back, subject_kind=subject_kind, subject_id=subject_id)


def floor_restore(*, member: Member, floor: Floor) -> Floor:
    """Brings a floor deleted on its own back (a moderator's act, from the recycle bin): counted again, and
    the credits its delete took given back. A rejected reply goes back to the approval queue instead."""
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread__board__parent").get(pk=floor.pk)
        thread = current.thread
        permissions.check_moderate_thread(member, thread)
        if current.number == 1:
            raise ValidationError(_("The first floor comes back with its thread; restore the thread."),
                                  code="first_floor")
        if current.is_deleted and current.is_waiting:
            # A rejected reply (never counted, nothing taken): back in the approval queue, counted once approved.
            Floor.objects.filter(pk=current.pk).update(is_deleted=False)
            _bump_caches(thread)
        elif current.is_deleted:
            Floor.objects.filter(pk=current.pk).update(is_deleted=False)
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
            if not thread.is_deleted:
                Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") + 1)
                Member.objects.filter(pk=current.author_id).update(post_count=F("post_count") + 1)
            pay_back(subject_kind="floor", subject_id=current.pk, taken=Operation.REPLY_DELETED,
                     back=Operation.REPLY_RESTORED)
            _bump_caches(thread)
    current.refresh_from_db()
    return current


def _count_thread_floors(thread: Thread, per_author: Counter, *, sign: int) -> None:
    for author_id, n in per_author.items():
        Member.objects.filter(pk=author_id).update(post_count=F("post_count") + sign * n)
    Member.objects.filter(pk=thread.author_id).update(
        thread_count=F("thread_count") + sign,
        digest_count=F("digest_count") + (sign if thread.digest else 0),
    )
    Board.objects.filter(pk=thread.board_id).update(
        thread_count=F("thread_count") + sign, post_count=F("post_count") + sign * per_author.total(),
        **_board_last_post(thread.board_id),
    )


def _board_last_post(board_id: int) -> dict:
    """The board's last post: that of the thread still there with the latest reply."""
    latest = (Thread.objects.filter(board_id=board_id, is_deleted=False, moved_to=None, is_closed=False,
                                    is_waiting=False)
              .only("id", "title", "last_reply_at", "last_replier_name").order_by("-last_reply_at", "-id").first())
    return {
        "last_thread": latest,
        "last_thread_title": latest.title if latest else "",
        "last_post_at": latest.last_reply_at if latest else None,
        "last_poster_name": latest.last_replier_name if latest else "",
    }


def _locked_thread(thread: Thread) -> Thread:
    return Thread.objects.select_for_update(of=("self",)).select_related("board__parent").get(pk=thread.pk)


def thread_bump(*, thread: Thread, now) -> None:
    """Moves a thread to the top of its board's last-reply order (a 提升卡: the items app checks the card
    and its owner, inside the transaction that spends it). The board's last post follows, as after a reply."""
    Thread.objects.filter(pk=thread.pk).update(last_reply_at=now, bumped_at=now)
    if not thread.is_deleted:
        Board.objects.filter(pk=thread.board_id).update(**_board_last_post(thread.board_id))
    _bump_caches(thread)


def thread_delete(*, member: Member, thread: Thread) -> Thread:
    """Moves a thread to the recycle bin (a moderator's act): it leaves the board's, its author's and its
    repliers' counts, and the board's last post moves to the newest thread still there. Nothing is removed:
    thread_restore brings it back as it was."""
    with transaction.atomic():
        current = _locked_thread(thread)
        permissions.check_moderate_thread(member, current)
        if not current.is_deleted:
            _thread_delete(current)
            _bump_caches(current)
    current.refresh_from_db()
    return current


def thread_restore(*, member: Member, thread: Thread) -> Thread:
    """Brings a deleted thread back, with every count it had left."""
    with transaction.atomic():
        current = _locked_thread(thread)
        permissions.check_moderate_thread(member, current)
        if current.moved_to_id is not None:  # a merged thread's stub: its floors live in the other thread
            raise ValidationError(_("This thread was merged into another one; there is nothing to restore."),
                                  code="merged")
        if current.is_deleted:
            _thread_restore(current)
            _bump_caches(current)
    current.refresh_from_db()
    return current


def thread_purge(*, member: Member, thread: Thread) -> None:
    """Removes a thread that is already in the recycle bin from the database for good. Its counts were
    taken away when it was deleted, so no counter changes."""
    with transaction.atomic():
        current = _locked_thread(thread)
        permissions.check_moderate_thread(member, current)
        if not current.is_deleted:
            raise ValidationError(_("Only a deleted thread can be removed for good; delete it first."),
                                  code="not_deleted")
        floor_ids = list(current.floors.values_list("pk", flat=True))
        current.delete()
        signals.text_changed.send(Floor, floor_ids=floor_ids)
        _bump_caches(current)


def approve_waiting(*, member: Member, floor: Floor) -> Floor:
    """A moderator approves what waited: floor 1 approves its thread, another floor that reply; it is then
    shown to everyone and counted in (post_count_in). Approving twice changes nothing the second time. The
    moderation tools (luntan.moderation.surgery.posts_approve) add the log entry and the notice around it."""
    with transaction.atomic():
        thread = _locked_thread(floor.thread)  # the thread row before any member row
        permissions.check_moderate_thread(member, thread)
        current = Floor.objects.select_for_update(of=("self",)).get(pk=floor.pk)
        if current.number != 1 and current.is_waiting and thread.is_waiting:
            raise ValidationError(_("Approve the thread first."), code="thread_waiting")
        # A deleted (or rejected) post stays out of every count and tells nobody.
        if not current.is_deleted and (thread.is_waiting if current.number == 1 else current.is_waiting):
            post_count_in(floor=current, thread=thread)
    current.refresh_from_db()
    return current


THREAD_FLAGS = ("title", "sticky", "digest", "is_locked", "highlight", "is_deleted")
MAX_STICKY = 3


def thread_update(*, member: Member, thread: Thread, title: str | None = None, sticky: int | None = None,
                  digest: int | None = None, is_locked: bool | None = None, highlight: str | None = None,
                  is_deleted: bool | None = None) -> Thread:
    """A moderator changes a thread's title or flags; None leaves a flag as it is. Marking a thread as
    digest counts it in its author's digest threads; deleting or restoring it is thread_delete's or
    thread_restore's work, done in the same transaction."""
    if title is not None:
        title = clean_title(title)
    if sticky is not None and not 0 <= sticky <= MAX_STICKY:
        raise ValidationError(_("Sticky level must be between 0 and %(max)s.") % {"max": MAX_STICKY},
                              code="sticky")
    if digest is not None and not 0 <= digest <= 3:
        raise ValidationError(_("Digest level must be between 0 and 3."), code="digest")
    if highlight is not None and highlight not in Thread.Highlight.values:
        raise ValidationError(_("Unknown highlight colour."), code="highlight")
    now = timezone.now()
    with transaction.atomic():
        current = _locked_thread(thread)
        permissions.check_moderate_thread(member, current)
        changes = {name: value for name, value in
                   {"sticky": sticky, "digest": digest, "is_locked": is_locked, "highlight": highlight}.items()
                   if value is not None and value != getattr(current, name)}
        if title is not None and title != current.title:
            changes["title"] = title
            opening = Floor.objects.filter(thread=current, number=1).first()
            if opening is not None:  # the old title is kept with floor 1's history, as an edit keeps it
                FloorRevision.objects.create(floor=opening, source=opening.source, format=opening.format,
                                             title=current.title, replaced_at=now, replaced_by=member)
            Board.objects.filter(pk=current.board_id, last_thread=current).update(last_thread_title=title)
        if "digest" in changes and not current.is_deleted:
            was, now_digest = bool(current.digest), bool(changes["digest"])
            if was != now_digest:
                Member.objects.filter(pk=current.author_id).update(
                    digest_count=F("digest_count") + (1 if now_digest else -1))
            # The digest reward is per level (精华 I, II, III): raising pays the difference, lowering takes
            # it back.
            credits.rule_reward(member_id=current.author_id, action=Operation.DIGEST, subject_kind="thread",
                                subject_id=current.pk, multiplier=int(changes["digest"]) - current.digest)
            medals.medals_after_post(member_id=current.author_id, floor_number=0)  # 精华作者 and the like
        if changes:
            Thread.objects.filter(pk=current.pk).update(**changes)
            if "title" in changes:
                signals.text_changed.send(Thread, thread_ids=[current.pk])
            for name, value in changes.items():
                setattr(current, name, value)
        if is_deleted is not None and is_deleted != current.is_deleted:
            (_thread_delete if is_deleted else _thread_restore)(current)
        _bump_caches(current)
    current.refresh_from_db()
    return current


# --- Approval: a post that waited is counted in ----------------------------------------------------------------

def _today_tally(now) -> dict:
    """The board's today/yesterday post tally with one more post, rolled over at midnight in the UPDATE."""
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    return {
        "yesterday_posts": Case(
            When(today_date=today, then=F("yesterday_posts")),
            When(today_date=yesterday, then=F("today_posts")),
            default=Value(0), output_field=IntegerField(),
        ),
        "today_posts": Case(
            When(today_date=today, then=F("today_posts") + 1), default=Value(1), output_field=IntegerField(),
        ),
        "today_date": today,
    }


def _tell_approved(floor: Floor, thread: Thread) -> None:
    """What post_reply or thread_create tells when a post is shown at once, told when a waiting one is
    approved. The @names are read again from its text (cooked as when it was written)."""
    if floor.is_deleted or thread.is_deleted:
        return
    author = floor.author
    mentioned = cook_post(floor.source, fmt=floor.format)[1]
    mentioned.pop(author.pk, None)
    audience = notices.post_audience(thread=thread, author=author, source=floor.source, mentioned=mentioned,
                                     first=floor.number == 1)
    notices.post_created(floor=floor, thread=thread, author=author, audience=audience)


def post_count_in(*, floor: Floor, thread: Thread, now=None) -> None:
    """Counts in a post that waited for approval, as thread_create and post_reply count a post at once.

    Floor 1 counts its thread in: the thread and its floors that are neither deleted nor waiting join the
    board's and their authors' counts, and the opener gets the thread reward. A reply joins its thread's
    replies (and, when its thread is counted, the board's and its author's counts) and gets the reply reward.
    The post becomes the last reply if it is the highest floor not waiting; it keeps its own time. The caller runs
    this in its transaction, holding the thread row's lock (a thread row before member rows), after making
    sure the floor is still waiting: a second call would count it twice.

    The notices the post would have sent had it not waited (its thread's author, a quoted member, @names,
    followers) go out now, to those who may read it now; a post is told of once (its notices share a key)."""
    now = now or timezone.now()
    Floor.objects.filter(pk=floor.pk).update(is_waiting=False)
    floor.is_waiting = False
    if floor.number == 1:
        Thread.objects.filter(pk=thread.pk).update(is_waiting=False)
        thread.is_waiting = False
    _tell_approved(floor, thread)  # the audience's rows and the author's locked before the counts lock the author's
    if floor.number == 1:
        if not thread.is_deleted:
            per_author = Counter(thread.floors.filter(is_deleted=False, is_waiting=False)
                                 .values_list("author_id", flat=True))
            _count_thread_floors(thread, per_author, sign=1)
            Board.objects.filter(pk=thread.board_id).update(**_today_tally(now))
        credits.rule_reward(member_id=floor.author_id, action=Operation.THREAD, subject_kind="thread",
                            subject_id=thread.pk, now=now)
    else:
        # The last reply is the thread's highest floor not waiting (as thread_recount reads it): this one, if no
        # floor above it has been counted (or deleted) in the meantime.
        later = not Floor.objects.filter(thread=thread, number__gt=floor.number, is_waiting=False).exists()
        author_name = Member.objects.filter(pk=floor.author_id).values_list("username", flat=True).first() or ""
        Thread.objects.filter(pk=thread.pk).update(
            reply_count=F("reply_count") + 1,
            **({"last_reply_at": floor.created_at, "last_replier_id": floor.author_id,
                "last_replier_name": author_name} if later else {}))
        if later:
            thread.last_reply_at = floor.created_at
        if not (thread.is_deleted or thread.is_waiting):
            Member.objects.filter(pk=floor.author_id).update(post_count=F("post_count") + 1)
            Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") + 1, **_today_tally(now))
            if later:
                Board.objects.filter(pk=thread.board_id).update(**_board_last_post(thread.board_id))
        credits.rule_reward(member_id=floor.author_id, action=Operation.REPLY, subject_kind="floor",
                            subject_id=floor.pk, now=now)
    medals.medals_after_post(member_id=floor.author_id, floor_number=floor.number)
    _bump_caches(thread)


# --- Categories and boards (the site admin's work) ----------------------------------------------------------

BOARD_FIELDS = ["category", "parent", "name", "description", "order", "protect_content"]


def check_board_parent(board: Board, parent: Board | None) -> None:
    """Boards are two levels deep, as the home page shows them: a sub-board's parent is a top board."""
    if parent is None:
        return
    if board.pk is not None and parent.pk == board.pk:
        raise ValidationError(_("A board cannot be its own parent."), code="parent_self")
    if parent.parent_id is not None:
        raise ValidationError(_("A sub-board cannot have sub-boards of its own; choose a top-level board."),
                              code="parent_depth")
    if board.pk is not None and Board.objects.filter(parent_id=board.pk).exists():
        raise ValidationError(_("This board has sub-boards, so it cannot become a sub-board itself."),
                              code="parent_has_children")


def board_save(*, member: Member, board: Board, moderators=None) -> Board:
    """Creates a board or saves its name, place and description (and its moderators, when given). Its
    counters are never written from here: they belong to the writes that change them."""
    permissions.check_manage_forum(member)
    board.name, board.description = clean_line(board.name or ""), clean_line(board.description or "")
    if not board.name:
        raise ValidationError(_("Please enter a name."), code="name_empty")
    check_board_parent(board, board.parent)
    with transaction.atomic():
        if board.pk is None:
            board.save(force_insert=True)
            before_parent = None
        else:
            before_parent = Board.objects.filter(pk=board.pk).values_list("parent_id", flat=True).first()
            board.save(update_fields=BOARD_FIELDS)
        if moderators is not None:
            board_moderators_set(board=board, members=moderators)
        scopes = {"site", f"board:{board.pk}", permissions.ACCESS_SCOPE}  # the access table knows parents
        scopes |= {f"board:{bid}" for bid in (before_parent, board.parent_id) if bid}  # their sub-board lists
        pagecache.bump(*scopes)
    return board


def board_delete(*, member: Member, board: Board) -> None:
    """Removes an empty board. A board with threads (even deleted ones) or sub-boards stays: move them
    first, so no post is ever lost with its board."""
    permissions.check_manage_forum(member)
    with transaction.atomic():
        threads = Thread.objects.filter(board=board).count()
        if threads:
            raise ValidationError(
                _("The board “%(name)s” still has %(count)s threads; move or remove them first.")
                % {"name": board.name, "count": threads}, code="board_has_threads")
        if Board.objects.filter(parent=board).exists():
            raise ValidationError(_("The board “%(name)s” has sub-boards; move or remove them first.")
                                  % {"name": board.name}, code="board_has_children")
        pk, parent_id = board.pk, board.parent_id
        board.delete()
        pagecache.bump("site", f"board:{pk}", moderators.SCOPE, permissions.ACCESS_SCOPE,
                       *([f"board:{parent_id}"] if parent_id else []))


def category_save(*, member: Member, category: Category) -> Category:
    permissions.check_manage_forum(member)
    category.name, category.description = clean_line(category.name or ""), clean_line(category.description or "")
    if not category.name:
        raise ValidationError(_("Please enter a name."), code="name_empty")
    with transaction.atomic():
        category.save()
        pagecache.bump("site")
    return category


def category_delete(*, member: Member, category: Category) -> None:
    """Removes a category without boards."""
    permissions.check_manage_forum(member)
    with transaction.atomic():
        if Board.objects.filter(category=category).exists():
            raise ValidationError(_("The category “%(name)s” still has boards; move or remove them first.")
                                  % {"name": category.name}, code="category_has_boards")
        category.delete()
        pagecache.bump("site")


def board_moderators_set(*, board: Board, members) -> Board:
    """Appoints a board's moderators (any number of them). The moderator map (luntan.forum.moderators)
    is kept under the "moderators" version, bumped after commit and read again at once, so the first
    reader after the change does not pay for it."""
    members = list({m.pk: m for m in members}.values())
    with transaction.atomic():
        board.moderators.set(members)
        pagecache.bump("site", f"board:{board.pk}", moderators.SCOPE)
        transaction.on_commit(moderators.board_moderators)
    return board


def board_access_set(*, member: Member, board: Board, rules: dict[int, permissions.Access | None]) -> None:
    """Sets what groups may do on a board: {group id: Access}. A group given None, or the defaults (may
    see, read, post and reply, no approval), has no row: no row means everything is allowed. Groups not
    named keep their row. The table kept in memory is read again after commit."""
    permissions.check_manage_forum(member)
    with transaction.atomic():
        for group_id, access in rules.items():
            if access is None or access == permissions.OPEN:
                BoardAccess.objects.filter(board=board, group_id=group_id).delete()
            else:
                BoardAccess.objects.update_or_create(board=board, group_id=group_id, defaults=asdict(access))
        # Home, this board's page and its sub-boards' all name the access version among their scopes.
        pagecache.bump(permissions.ACCESS_SCOPE, "site", f"board:{board.pk}")


def views_flush() -> int:
    """Adds the buffered view counts to the threads, in one transaction; returns how many threads changed.
    If the write fails, the counts go back to the buffer for the next flush."""
    taken = counters.take_views()
    try:
        with transaction.atomic():
            for thread_id, n in taken.items():
                Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + n)
    except BaseException:
        counters.give_back(taken)
        raise
    return len(taken)


# --- Recounting: every denormalized counter rebuilt from the rows ------------------------------------------

@dataclass(frozen=True)
class Correction:
    """One counter that was wrong: which row ("thread", "board" or "member", and its name), which field,
    what it said and what the rows say."""

    kind: str
    pk: int
    name: str
    field: str
    old: object
    new: object


RECOUNT_BATCH = 500
# The floors that count: neither deleted nor waiting for approval, in a thread that is neither.
COUNTED_FLOORS = {"is_deleted": False, "is_waiting": False, "thread__is_deleted": False, "thread__is_waiting": False}


def _counted(rows, outer: str):
    """How many of `rows` belong to the outer row (`outer` is the lookup that points at it), as a subquery."""
    counted = rows.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def _batches(queryset):
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), RECOUNT_BATCH):
        yield ids[start:start + RECOUNT_BATCH]


def _apply(model, kind: str, pk: int, name: str, current: dict, truth: dict) -> list[Correction]:
    wrong = {field: value for field, value in truth.items() if current[field] != value}
    if wrong:
        model.objects.filter(pk=pk).update(**wrong)
    return [Correction(kind, pk, name, field, current[field], value) for field, value in wrong.items()]


def thread_recount(*, threads=None) -> list[Correction]:
    """Rebuilds each thread's reply count and last reply from its floors; returns what was wrong. The last
    floor number is only ever raised: it is the highest number handed out, and a lower one would hand a
    number out twice. Each batch of threads is locked, read in one query and written in one transaction."""
    floors = Floor.objects.filter(thread=OuterRef("pk")).order_by("-number")
    shown = floors.filter(is_waiting=False)  # the last reply: waiting replies are not counted in yet
    corrections: list[Correction] = []
    for ids in _batches(threads if threads is not None else Thread.objects.all()):
        with transaction.atomic():
            list(Thread.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
            rows = Thread.objects.filter(pk__in=ids).annotate(
                true_replies=_counted(Floor.objects.filter(is_deleted=False, is_waiting=False, number__gt=1),
                                      "thread"),
                top_number=Subquery(floors.values("number")[:1]),
                top_at=Subquery(shown.values("created_at")[:1]),
                top_author=Subquery(shown.values("author_id")[:1]),
                top_author_name=Subquery(shown.values("author__username")[:1]),
            ).values("pk", "title", "board_id", "reply_count", "last_floor", "last_reply_at", "last_replier_id",
                     "last_replier_name", "true_replies", "top_number", "top_at", "top_author", "top_author_name",
                     "bumped_at")
            changed = []
            for row in rows:
                truth = {"reply_count": row["true_replies"],
                         "last_floor": max(row["last_floor"], row["top_number"] or 0)}
                if row["top_at"]:
                    truth |= {"last_reply_at": max(row["top_at"], row["bumped_at"] or row["top_at"]),
                              "last_replier_id": row["top_author"], "last_replier_name": row["top_author_name"]}
                found = _apply(Thread, "thread", row["pk"], row["title"], row, truth)
                corrections += found
                if found:
                    changed.append(row)
            if changed:
                scopes = {f"thread:{r['pk']}" for r in changed} | {f"board:{r['board_id']}" for r in changed}
                pagecache.bump("site", *scopes)
    return corrections


def board_recount(*, boards=None) -> list[Correction]:
    """Rebuilds each board's thread and post counts and its last post from the threads still there (run
    after thread_recount: the last post is the thread with the latest reply). Today's and yesterday's
    post counts are a tally of the day, not rebuilt."""
    live_threads = (Thread.objects.filter(board=OuterRef("pk"), is_deleted=False, moved_to=None, is_closed=False,
                                          is_waiting=False)
                    .order_by("-last_reply_at", "-id"))
    corrections: list[Correction] = []
    for ids in _batches(boards if boards is not None else Board.objects.all()):
        with transaction.atomic():
            list(Board.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
            rows = list(Board.objects.filter(pk__in=ids).annotate(
                true_threads=_counted(Thread.objects.filter(is_deleted=False, moved_to=None, is_waiting=False),
                                      "board"),
                true_posts=_counted(Floor.objects.filter(**COUNTED_FLOORS), "thread__board"),
                latest=Subquery(live_threads.values("pk")[:1]),
            ).values("pk", "name", "thread_count", "post_count", "last_thread_id", "last_thread_title",
                     "last_post_at", "last_poster_name", "true_threads", "true_posts", "latest"))
            latest = Thread.objects.in_bulk([r["latest"] for r in rows if r["latest"]])
            changed = []
            for row in rows:
                last = latest.get(row["latest"])
                truth = {
                    "thread_count": row["true_threads"], "post_count": row["true_posts"],
                    "last_thread_id": last.pk if last else None,
                    "last_thread_title": last.title if last else "",
                    "last_post_at": last.last_reply_at if last else None,
                    "last_poster_name": last.last_replier_name if last else "",
                }
                found = _apply(Board, "board", row["pk"], row["name"], row, truth)
                corrections += found
                if found:
                    changed.append(f"board:{row['pk']}")
            if changed:
                pagecache.bump("site", *changed)
    return corrections


def member_recount(*, members=None) -> list[Correction]:
    """Rebuilds each member's post, thread and digest-thread counts from the floors and threads not
    deleted."""
    corrections: list[Correction] = []
    for ids in _batches(members if members is not None else Member.objects.all()):
        with transaction.atomic():
            list(Member.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
            rows = Member.objects.filter(pk__in=ids).annotate(
                true_posts=_counted(Floor.objects.filter(**COUNTED_FLOORS), "author"),
                true_threads=_counted(Thread.objects.filter(is_deleted=False, moved_to=None, is_waiting=False),
                                      "author"),
                true_digests=_counted(Thread.objects.filter(is_deleted=False, moved_to=None, is_waiting=False,
                                                            digest__gt=0), "author"),
            ).values("pk", "username", "post_count", "thread_count", "digest_count", "true_posts", "true_threads",
                     "true_digests")
            for row in rows:
                truth = {"post_count": row["true_posts"], "thread_count": row["true_threads"],
                         "digest_count": row["true_digests"]}
                corrections += _apply(Member, "member", row["pk"], row["username"], row, truth)
    return corrections


def floors_recook(*, batch_size: int = 500) -> int:
    """Cooks every floor's text again with the current markup rules and keeps the HTML that changed;
    returns how many floors changed. For after the rules become stricter: a floor cooked before keeps
    what an older rule let through (an image of one of this site's pages) until it is cooked again."""
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            floors = list(Floor.objects.filter(pk__gt=last_pk).order_by("pk").select_related("thread")
                          .only("id", "number", "thread_id", "thread__price", "source", "format", "html")[:batch_size])
            if not floors:
                return changed
            last_pk = floors[-1].pk
            threads = set()
            for floor in floors:
                price = floor.thread.price if floor.number == 1 else 0
                if sold_whole(floor.html) and not price:
                    continue  # a priced opening post merged into another thread: it stays sold as it is
                try:
                    cooked = sell_whole(cook_post(floor.source, fmt=floor.format)[0], price)
                except ValidationError:
                    continue  # a priced floor whose text could not be sold whole any more: left as it was
                html = cooked.html
                if cooked.parts or "<!--cpart:" in floor.html:
                    _save_parts(floor, cooked.parts, edited=True)  # the parts' own HTML may change too
                if html != floor.html:
                    Floor.objects.filter(pk=floor.pk).update(html=html)
                    signals.text_changed.send(Floor, floor_ids=[floor.pk])
                    threads.add(floor.thread_id)
                    changed += 1
            for thread in Thread.objects.filter(pk__in=threads).only("id", "board_id"):
                _bump_caches(thread)
