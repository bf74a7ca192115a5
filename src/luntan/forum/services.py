"""Writes to the forum: each is one transaction, checks its permission first, keeps every counter
in step in the same transaction, and lets caches know after commit."""

import functools
from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.core import pagecache
from luntan.core.text import clean_body, clean_line
from luntan.forum import permissions
from luntan.forum.models import Board, Floor, FloorRevision, Submission, Thread
from luntan.markup.cooking import cook

MAX_TITLE = 80
MAX_BODY = 50_000


def clean_title(raw: str) -> str:
    title = clean_line(raw or "")
    if not title:
        raise ValidationError(_("Please enter a title."), code="title_empty")
    if len(title) > MAX_TITLE:
        raise ValidationError(
            _("The title is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(title), "max": MAX_TITLE}, code="title_long",
        )
    return title


def clean_source(raw: str) -> str:
    source = clean_body(raw or "")
    if not source.strip():
        raise ValidationError(_("Please write something before sending."), code="body_empty")
    if len(source) > MAX_BODY:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(source), "max": MAX_BODY}, code="body_long",
        )
    return source


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


def _replayed(author: Member, key: str | None) -> Floor | None:
    if not key:
        return None
    found = Submission.objects.filter(member=author, key=key).select_related("floor__thread").first()
    return found.floor if found else None


def _idempotent(write):
    """Runs a create once per (member, submission key): a repeat returns what the first one made."""

    @functools.wraps(write)
    def wrapper(*, author: Member, submission_key: str | None = None, **kwargs):
        key = (submission_key or "")[:64] or None
        replay = _replayed(author, key)
        if replay is not None:
            return replay
        try:
            return write(author=author, submission_key=key, **kwargs)
        except IntegrityError:
            replay = _replayed(author, key)
            if replay is None:
                raise
            return replay

    return wrapper


@_idempotent
def thread_create(*, author: Member, board: Board, title: str, source: str, fmt: str,
                  ip: str | None = None, submission_key: str | None = None) -> Floor:
    """Opens a thread with its first floor (楼主); returns that floor."""
    permissions.check_new_thread(author, board)
    title, source, fmt = clean_title(title), clean_source(source), clean_format(fmt)
    html = cook(source, fmt=fmt)
    now = timezone.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            board=board, title=title, author=author, created_at=now, last_reply_at=now,
            last_replier=author, last_replier_name=author.username, last_floor=1,
        )
        floor = Floor.objects.create(
            thread=thread, number=1, author=author, source=source, format=fmt, html=html,
            created_at=now, author_ip=ip or None,
        )
        if submission_key:
            Submission.objects.create(member=author, key=submission_key, floor=floor)
        _count_post_on_board(board.pk, now=now, new_thread=True, thread=thread)
        Member.objects.filter(pk=author.pk).update(
            post_count=F("post_count") + 1, thread_count=F("thread_count") + 1
        )
        _bump_caches(thread)
    return floor


@_idempotent
def post_reply(*, author: Member, thread: Thread, source: str, fmt: str,
               ip: str | None = None, submission_key: str | None = None) -> Floor:
    """Adds the next floor to a thread. The thread row is locked first, so two replies at the same moment
    get consecutive floor numbers; the unique constraint on (thread, number) is the last guard."""
    source, fmt = clean_source(source), clean_format(fmt)
    html = cook(source, fmt=fmt)
    now = timezone.now()
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        locked.board = thread.board  # the board row is not locked; its moderators are what the check needs
        permissions.check_reply(author, locked)
        number = locked.last_floor + 1
        floor = Floor.objects.create(
            thread=locked, number=number, author=author, source=source, format=fmt, html=html,
            created_at=now, author_ip=ip or None,
        )
        if submission_key:
            Submission.objects.create(member=author, key=submission_key, floor=floor)
        Thread.objects.filter(pk=locked.pk).update(
            last_floor=number, reply_count=F("reply_count") + 1, last_reply_at=now,
            last_replier=author, last_replier_name=author.username,
        )
        locked.last_replier_name = author.username
        _count_post_on_board(locked.board_id, now=now, new_thread=False, thread=locked)
        Member.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
        _bump_caches(locked)
    return floor


def floor_edit(*, editor: Member, floor: Floor, source: str, fmt: str, title: str | None = None) -> Floor:
    """Changes a floor's text (and, on floor 1, the thread's title), keeping the old text as a revision."""
    source, fmt = clean_source(source), clean_format(fmt)
    new_title = clean_title(title) if floor.number == 1 and title is not None else None
    html = cook(source, fmt=fmt)
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
        if new_title is not None and new_title != thread.title:
            Thread.objects.filter(pk=thread.pk).update(title=new_title)
            Board.objects.filter(pk=thread.board_id, last_thread=thread).update(last_thread_title=new_title)
        _bump_caches(thread)
    current.refresh_from_db()
    return current


def floor_delete(*, member: Member, floor: Floor) -> Floor:
    """Soft-deletes a floor; deleting floor 1 deletes the whole thread. Nothing is removed from the
    database, so floor numbers stay as they were and a moderator can still read it."""
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread__board__parent").get(pk=floor.pk)
        permissions.check_delete_floor(member, current)
        thread = current.thread
        if current.number == 1:
            _thread_delete(thread)
        else:
            Floor.objects.filter(pk=current.pk).update(is_deleted=True)
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") - 1)
            Board.objects.filter(pk=thread.board_id).update(post_count=F("post_count") - 1)
            Member.objects.filter(pk=current.author_id).update(post_count=F("post_count") - 1)
        _bump_caches(thread)
    current.refresh_from_db()
    return current


def _thread_delete(thread: Thread) -> None:
    per_author = Counter(thread.floors.filter(is_deleted=False).values_list("author_id", flat=True))
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    Floor.objects.filter(thread=thread, number=1).update(is_deleted=True)
    for author_id, n in per_author.items():
        Member.objects.filter(pk=author_id).update(post_count=F("post_count") - n)
    Member.objects.filter(pk=thread.author_id).update(thread_count=F("thread_count") - 1)
    # The board's last post moves to the newest thread still there.
    latest = (Thread.objects.filter(board_id=thread.board_id, is_deleted=False)
              .order_by("-last_reply_at").first())
    Board.objects.filter(pk=thread.board_id).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - per_author.total(),
        last_thread=latest,
        last_thread_title=latest.title if latest else "",
        last_post_at=latest.last_reply_at if latest else None,
        last_poster_name=latest.last_replier_name if latest else "",
    )


def board_moderators_set(*, board: Board, members) -> Board:
    """Appoints a board's moderators, keeping the names and UIDs stored with the board in step."""
    members = sorted(set(members), key=lambda m: m.username)
    with transaction.atomic():
        board.moderators.set(members)
        board.moderator_names = ", ".join(m.username for m in members)[:255]
        board.moderator_ids = ",".join(str(m.pk) for m in members)
        Board.objects.filter(pk=board.pk).update(moderator_names=board.moderator_names,
                                                 moderator_ids=board.moderator_ids)
        pagecache.bump("site", f"board:{board.pk}", "moderators")
    return board


def views_flush() -> int:
    """Adds the buffered view counts to the threads; returns how many threads changed."""
    from luntan.core.counters import take_views

    taken = take_views()
    for thread_id, n in taken.items():
        Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + n)
    return len(taken)


def floors_recook(*, batch_size: int = 500) -> int:
    """Cooks every floor's text again with the current markup rules and keeps the HTML that changed;
    returns how many floors changed. For after the rules become stricter: a floor cooked before keeps
    what an older rule let through (an image of one of this site's pages) until it is cooked again."""
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            floors = list(Floor.objects.filter(pk__gt=last_pk).order_by("pk")
                          .only("id", "thread_id", "source", "format", "html")[:batch_size])
            if not floors:
                return changed
            last_pk = floors[-1].pk
            threads = set()
            for floor in floors:
                html = cook(floor.source, fmt=floor.format)
                if html != floor.html:
                    Floor.objects.filter(pk=floor.pk).update(html=html)
                    threads.add(floor.thread_id)
                    changed += 1
            for thread in Thread.objects.filter(pk__in=threads).only("id", "board_id"):
                _bump_caches(thread)
