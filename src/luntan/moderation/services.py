"""Moderators' actions on threads: each is one transaction that locks the thread, checks the permission
(luntan.forum.permissions), changes the thread only if it is not already as asked (so a double-submitted
action applies once and is logged once), writes the moderation log, tells the author when asked, and
bumps the pages that show the thread."""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.accounts.models import Member, MemberGroup
from luntan.core import pagecache
from luntan.core.text import clean_line
from luntan.forum import permissions
from luntan.forum import services as forum
from luntan.forum.models import Board, Floor, Thread, ThreadType
from luntan.moderation import log
from luntan.moderation.models import ModerationLog
from luntan.notices.services import notify

Action = ModerationLog.Action
STICKY_LEVELS = (0, 1, 2, 3)
DIGEST_LEVELS = (0, 1, 2, 3)


def sticky_label(level: int) -> str:
    return {0: _("not sticky"), 1: _("sticky in this board"), 2: _("sticky in the category"),
            3: _("sticky across the site")}.get(level, str(level))


def _reason(raw: str | None) -> str:
    return clean_line(raw or "")[:200]


def _locked(thread: Thread) -> Thread:
    return (Thread.objects.select_for_update(of=("self",)).select_related("board__parent", "board__category", "author")
            .get(pk=thread.pk))


def _done(*, actor: Member, thread: Thread, action: str, label: str, detail: str = "", reason: str = "",
          tell_author: bool = False, scopes: tuple[str, ...] = ()) -> None:
    """What follows every change: the log, the author's notice, the pages' versions."""
    log.record(actor=actor, action=action, thread=thread, member=thread.author, detail=detail, reason=reason)
    if tell_author and thread.author_id != actor.pk:
        text = _("Moderator %(moderator)s did this to your thread “%(title)s”: %(action)s.") % {
            "moderator": actor.username, "title": thread.title, "action": label + (f" ({detail})" if detail else "")}
        if reason:
            text += " " + _("Reason: %(reason)s") % {"reason": reason}
        notify(member_id=thread.author_id, kind="moderation", text=text, url=thread.get_absolute_url())
    pagecache.bump(f"thread:{thread.pk}", f"board:{thread.board_id}", "site", *scopes)


def _refuse_stub(thread: Thread) -> None:
    if thread.moved_to_id:
        raise ValidationError(_("This is the link a moved thread left behind; act on the thread itself."),
                              code="stub")


def thread_stick(*, member: Member, thread: Thread, level: int, until: datetime | None = None, reason: str = "",
                 tell_author: bool = False) -> bool:
    """置顶: 1 this board, 2 its category, 3 the whole site, 0 none; until a time, or for ever. Returns
    whether anything changed."""
    if level not in STICKY_LEVELS:
        raise ValidationError(_("Unknown sticky level."), code="sticky")
    if until is not None and until <= timezone.now():
        raise ValidationError(_("The sticky expiry must be in the future."), code="until")
    until = until if level else None
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_sticky(member, current, level)
        _refuse_stub(current)
        was = current.sticky if current.sticky and not _expired(current) else 0
        if (was, current.sticky_until if was else None) == (level, until):
            return False
        Thread.objects.filter(pk=current.pk).update(sticky=level, sticky_until=until)
        detail = sticky_label(level)
        if until is not None:
            detail += " " + _("until %(when)s") % {"when": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")}
        _done(actor=member, thread=current, action=Action.STICKY if level else Action.UNSTICKY,
              label=_("sticky") if level else _("unsticky"), detail=detail, reason=_reason(reason),
              tell_author=tell_author, scopes=("stickies",) if max(was, level) >= 2 else ())
    return True


def _expired(thread: Thread) -> bool:
    return thread.sticky_until is not None and thread.sticky_until <= timezone.now()


def thread_highlight(*, member: Member, thread: Thread, colour: str, bold: bool = False, reason: str = "",
                     tell_author: bool = False) -> bool:
    """高亮: a colour (or none) and bold."""
    if colour not in Thread.Highlight.values:
        raise ValidationError(_("Unknown highlight colour."), code="highlight")
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_moderate_thread(member, current)
        _refuse_stub(current)
        if (current.highlight, current.highlight_bold) == (colour, bold):
            return False
        Thread.objects.filter(pk=current.pk).update(highlight=colour, highlight_bold=bold)
        detail = " ".join(str(x) for x in (Thread.Highlight(colour).label if colour else _("no colour"),
                                           _("bold") if bold else "") if x)
        _done(actor=member, thread=current, action=Action.HIGHLIGHT, label=_("highlight"), detail=detail,
              reason=_reason(reason), tell_author=tell_author, scopes=("stickies",) if current.sticky >= 2 else ())
    return True


def thread_digest(*, member: Member, thread: Thread, level: int, reason: str = "", tell_author: bool = False) -> bool:
    """精华 I/II/III (0 takes it away); the forum's thread_update pays the credit rule × level and keeps the
    author's digest count."""
    if level not in DIGEST_LEVELS:
        raise ValidationError(_("Digest level must be between 0 and 3."), code="digest")
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_moderate_thread(member, current)
        _refuse_stub(current)
        if current.digest == level:
            return False
        forum.thread_update(member=member, thread=current, digest=level)
        detail = _("digest %(level)s") % {"level": level} if level else _("no longer digest")
        _done(actor=member, thread=current, action=Action.DIGEST, label=_("digest"), detail=detail,
              reason=_reason(reason), tell_author=tell_author)
    return True


def _set_flag(*, member: Member, thread: Thread, field: str, value: bool, action: str, label: str, reason: str,
              tell_author: bool, after: Callable[[Thread], tuple[str, ...]] | None = None) -> bool:
    """Sets one of the thread's yes/no states, logged and told; `after` does what else the change needs
    (inside the transaction) and names more scopes to refresh."""
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_moderate_thread(member, current)
        _refuse_stub(current)
        if getattr(current, field) == value:
            return False
        Thread.objects.filter(pk=current.pk).update(**{field: value})
        scopes = after(current) if after else ()
        _done(actor=member, thread=current, action=action, label=label, reason=_reason(reason),
              tell_author=tell_author, scopes=scopes)
    return True


def thread_lock(*, member: Member, thread: Thread, locked: bool, reason: str = "", tell_author: bool = False) -> bool:
    """锁定: no replies, no edits or deletes by the author; unlock undoes it."""
    return _set_flag(member=member, thread=thread, field="is_locked", value=locked,
                     action=Action.LOCK if locked else Action.UNLOCK, label=_("lock") if locked else _("unlock"),
                     reason=reason, tell_author=tell_author)


def thread_close(*, member: Member, thread: Thread, closed: bool, reason: str = "", tell_author: bool = False) -> bool:
    """关闭: the thread is hidden from members (its board's moderators still see it, marked 已关闭)."""

    def after(current: Thread) -> tuple[str, ...]:
        Board.objects.filter(pk=current.board_id).update(**forum._board_last_post(current.board_id))
        return ("stickies",) if current.sticky >= 2 else ()

    return _set_flag(member=member, thread=thread, field="is_closed", value=closed,
                     action=Action.CLOSE if closed else Action.OPEN, label=_("close") if closed else _("reopen"),
                     reason=reason, tell_author=tell_author, after=after)


def thread_move(*, member: Member, thread: Thread, target: Board, leave_stub: bool = False, reason: str = "",
                tell_author: bool = False) -> bool:
    """移动 to another board, optionally leaving a 已移动 stub in the old one. Both boards' counts and last
    posts follow; the thread type, being the old board's, is dropped."""
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_move(member, current, target)
        _refuse_stub(current)
        source_id = current.board_id
        if source_id == target.pk:
            return False
        Thread.objects.filter(pk=current.pk).update(board=target, thread_type=None)
        Thread.objects.filter(moved_to=current, board=target).delete()  # moved back: no link to itself
        if not current.is_deleted:
            floors = Floor.objects.filter(thread=current, is_deleted=False).count()
            Board.objects.filter(pk=source_id).update(thread_count=F("thread_count") - 1,
                                                      post_count=F("post_count") - floors)
            Board.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1,
                                                      post_count=F("post_count") + floors)
        if leave_stub:
            Thread.objects.create(
                board_id=source_id, title=current.title, author_id=current.author_id, created_at=current.created_at,
                last_reply_at=current.last_reply_at, last_replier_name=current.last_replier_name,
                moved_to=current, is_deleted=current.is_deleted,
            )
        for board_id in (source_id, target.pk):
            Board.objects.filter(pk=board_id).update(**forum._board_last_post(board_id))
        old_name = current.board.name
        _done(actor=member, thread=current, action=Action.MOVE, label=_("move"),
              detail=_("from %(old)s to %(new)s") % {"old": old_name, "new": target.name}, reason=_reason(reason),
              tell_author=tell_author, scopes=(f"board:{target.pk}", "stickies"))
    return True


def thread_set_type(*, member: Member, thread: Thread, thread_type: ThreadType | None, reason: str = "",
                    tell_author: bool = False) -> bool:
    """分类: one of the thread's board's types, or none."""
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_moderate_thread(member, current)
        _refuse_stub(current)
        if thread_type is not None and thread_type.board_id != current.board_id:
            raise ValidationError(_("Please choose one of this board's thread types."), code="thread_type")
        if current.thread_type_id == (thread_type.pk if thread_type else None):
            return False
        Thread.objects.filter(pk=current.pk).update(thread_type=thread_type)
        _done(actor=member, thread=current, action=Action.TYPE, label=_("set thread type"),
              detail=thread_type.name if thread_type else _("no type"), reason=_reason(reason),
              tell_author=tell_author)
    return True


def thread_delete(*, member: Member, thread: Thread, reason: str = "", tell_author: bool = False) -> bool:
    """To the recycle bin (回收站), taking back what the thread earned (the forum's delete rule)."""
    with transaction.atomic():
        current = _locked(thread)
        permissions.check_moderate_thread(member, current)
        if current.is_deleted:
            return False
        forum.thread_delete(member=member, thread=current)
        Thread.objects.filter(moved_to=current).update(is_deleted=True)
        _done(actor=member, thread=current, action=Action.DELETE, label=_("delete"), reason=_reason(reason),
              tell_author=tell_author, scopes=("stickies",) if current.sticky >= 2 else ())
    return True


# --- The recycle bin: administrators restore or purge ---------------------------------------------------

def is_admin(member) -> bool:
    return bool(member.is_authenticated and member.is_active and (
        member.is_superuser or member.is_staff or rules_for(member).role == MemberGroup.Role.ADMIN))


def check_recycle(member) -> None:
    if not is_admin(member):
        raise PermissionDenied(_("Only an administrator may restore or purge what is in the recycle bin."))


def thread_restore(*, member: Member, thread: Thread, reason: str = "", tell_author: bool = False) -> bool:
    """Back from the bin, with every count and the credits its delete took."""
    check_recycle(member)
    with transaction.atomic():
        current = _locked(thread)
        if not current.is_deleted:
            return False
        forum.thread_restore(member=member, thread=current)
        Thread.objects.filter(moved_to=current).update(is_deleted=False)
        _done(actor=member, thread=current, action=Action.RESTORE, label=_("restore"), reason=_reason(reason),
              tell_author=tell_author, scopes=("stickies",))
    return True


def thread_purge(*, member: Member, thread: Thread, reason: str = "") -> bool:
    """Removed for good (only from the bin). The log keeps its title."""
    check_recycle(member)
    with transaction.atomic():
        current = _locked(thread)
        if not current.is_deleted:
            raise ValidationError(_("Only a deleted thread can be removed for good; delete it first."),
                                  code="not_deleted")
        log.record(actor=member, action=Action.PURGE, thread=current, member=current.author, reason=_reason(reason))
        forum.thread_purge(member=member, thread=current)
    return True


def floor_restore(*, member: Member, floor: Floor, reason: str = "") -> bool:
    """A floor deleted on its own, back from the bin, with the credits its delete took."""
    check_recycle(member)
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread", "author").get(pk=floor.pk)
        if not current.is_deleted:
            return False
        forum.floor_restore(member=member, floor=current)
        log.record(actor=member, action=Action.RESTORE, thread=current.thread, floor_number=current.number,
                   member=current.author, reason=_reason(reason))
    return True


def floor_purge(*, member: Member, floor: Floor, reason: str = "") -> bool:
    """A deleted floor's text removed for good (its number stays, as floors are never renumbered)."""
    check_recycle(member)
    with transaction.atomic():
        current = Floor.objects.select_for_update(of=("self",)).select_related("thread", "author").get(pk=floor.pk)
        if not current.is_deleted or current.number == 1:
            raise ValidationError(_("Only a deleted reply can be removed for good; delete it first."),
                                  code="not_deleted")
        if not current.source and not current.html:
            return False
        Floor.objects.filter(pk=current.pk).update(source="", html="")
        current.revisions.all().delete()
        log.record(actor=member, action=Action.PURGE, thread=current.thread, floor_number=current.number,
                   member=current.author, reason=_reason(reason))
        pagecache.bump(f"thread:{current.thread_id}")
    return True


# --- Thread types (分类) of a board: its moderators define them --------------------------------------------

def check_board_types(member, board: Board) -> None:
    if not permissions.is_moderator(member, board):
        raise PermissionDenied(_("Only a moderator of this board may do this."))


def thread_type_save(*, member: Member, board: Board, name: str, order: int = 0,
                     thread_type: ThreadType | None = None) -> ThreadType:
    check_board_types(member, board)
    name = clean_line(name or "")
    if not name:
        raise ValidationError(_("Please enter a name."), code="name_empty")
    if len(name) > 20:
        raise ValidationError(_("A thread type's name has at most 20 characters."), code="name_long")
    with transaction.atomic():
        clash = ThreadType.objects.filter(board=board, name=name)
        if thread_type is not None:
            clash = clash.exclude(pk=thread_type.pk)
        if clash.exists():
            raise ValidationError(_("This board already has a thread type called “%(name)s”.") % {"name": name},
                                  code="name_taken")
        if thread_type is None:
            thread_type = ThreadType.objects.create(board=board, name=name, order=order)
        else:
            if thread_type.board_id != board.pk:
                raise PermissionDenied(_("Only a moderator of this board may do this."))
            ThreadType.objects.filter(pk=thread_type.pk).update(name=name, order=order)
            thread_type.name, thread_type.order = name, order
        log.record(actor=member, action=Action.TYPE, board_id=board.pk,
                   detail=_("thread type: %(name)s") % {"name": name})
        pagecache.bump(f"board:{board.pk}", "site")
    return thread_type


def thread_type_delete(*, member: Member, board: Board, thread_type: ThreadType) -> None:
    check_board_types(member, board)
    if thread_type.board_id != board.pk:
        raise PermissionDenied(_("Only a moderator of this board may do this."))
    with transaction.atomic():
        thread_ids = list(Thread.objects.filter(thread_type=thread_type).values_list("pk", flat=True))
        thread_type.delete()
        log.record(actor=member, action=Action.TYPE, board_id=board.pk,
                   detail=_("thread type removed: %(name)s") % {"name": thread_type.name})
        pagecache.bump(f"board:{board.pk}", "site", *[f"thread:{pk}" for pk in thread_ids])


def board_types_required(*, member: Member, board: Board, required: bool) -> bool:
    check_board_types(member, board)
    with transaction.atomic():
        if Board.objects.filter(pk=board.pk, types_required=required).exists():
            return False
        Board.objects.filter(pk=board.pk).update(types_required=required)
        board.types_required = required
        log.record(actor=member, action=Action.TYPE, board_id=board.pk,
                   detail=_("thread type required") if required else _("thread type optional"))
        pagecache.bump(f"board:{board.pk}")
    return True


# --- Batch: one action on many threads of a board ------------------------------------------------------------

BATCH_ACTIONS = ("sticky", "digest", "highlight", "lock", "unlock", "close", "open", "move", "type", "delete")


def batch_apply(*, member: Member, board: Board, thread_ids: list[int], action: str, reason: str = "",
                tell_author: bool = False, **params) -> int:
    """The same action on every chosen thread of `board`, all or none (one transaction); returns how many
    threads changed. Threads of other boards or unknown ids refuse the whole batch."""
    if action not in BATCH_ACTIONS:
        raise ValidationError(_("Unknown action."), code="action")
    ids = sorted(set(thread_ids))
    if not ids:
        raise ValidationError(_("Please select at least one thread."), code="no_threads")
    common = {"member": member, "reason": reason, "tell_author": tell_author}
    with transaction.atomic():
        threads = list(Thread.objects.filter(pk__in=ids, board=board, moved_to=None).order_by("pk"))
        if len(threads) != len(ids):
            raise ValidationError(_("Some of the selected threads are not in this board."), code="threads")
        changed = 0
        for thread in threads:
            changed += _one(action, thread, common, params)
    return changed


def _one(action: str, thread: Thread, common: dict, params: dict) -> bool:
    match action:
        case "sticky":
            return thread_stick(thread=thread, level=params["level"], until=params.get("until"), **common)
        case "digest":
            return thread_digest(thread=thread, level=params["level"], **common)
        case "highlight":
            return thread_highlight(thread=thread, colour=params["colour"], bold=params.get("bold", False), **common)
        case "lock" | "unlock":
            return thread_lock(thread=thread, locked=action == "lock", **common)
        case "close" | "open":
            return thread_close(thread=thread, closed=action == "close", **common)
        case "move":
            return thread_move(thread=thread, target=params["target"], leave_stub=params.get("leave_stub", False),
                               **common)
        case "type":
            return thread_set_type(thread=thread, thread_type=params.get("thread_type"), **common)
        case "delete":
            return thread_delete(thread=thread, **common)
    raise ValidationError(_("Unknown action."), code="action")


def act(*, member: Member, thread: Thread, action: str, reason: str = "", tell_author: bool = False,
        **params) -> bool:
    """One action on one thread, by name (the thread page's panel)."""
    if action not in (*BATCH_ACTIONS, "restore"):
        raise ValidationError(_("Unknown action."), code="action")
    if action == "restore":
        return thread_restore(member=member, thread=thread, reason=reason, tell_author=tell_author)
    return _one(action, thread, {"member": member, "reason": reason, "tell_author": tell_author}, params)


def stickies_expire() -> int:
    """Clears the stickies whose time is up (a buffer flusher: gunicorn's master runs it with the others)
    and bumps the pages that showed them; returns how many threads changed."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(Thread.objects.select_for_update().filter(sticky__gt=0, sticky_until__lte=now)
                    .values_list("pk", "board_id"))
        if not rows:
            return 0
        Thread.objects.filter(pk__in=[pk for pk, _b in rows]).update(sticky=0, sticky_until=None)
        pagecache.bump("stickies", "site", *{f"board:{b}" for _pk, b in rows}, *{f"thread:{pk}" for pk, _b in rows})
    return len(rows)
