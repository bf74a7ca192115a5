"""Writes to 短消息: each is one transaction with its permission checked inside.

Lock order: the conversation row first, then the members' rows in UID order (their unread counts).
Member.unread_messages counts the member's conversations with an unread message; it changes with the
messages in the same transaction, and `letters_recount` rebuilds it from the rows.

敏感词 in a message: "block" and "hold" refuse it (the text is kept in the form): a private message
cannot wait for a moderator without a moderator reading a private conversation, so holding means not
sending. "replace" stars the word; "flag" sends it and records the words found (protection's WordHit,
where="message", with an excerpt) for the administrators, as for signatures; no report is filed.

Blocks: a member who is blocked cannot start a conversation with, or add, the member who blocked them.
They are told only "X cannot receive messages from you" (not whether it is a block, a setting or anything
else; nobody else learns anything). Replies in a conversation both already share are not stopped: the
blocking member may leave it."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member, name_key
from luntan.core.idempotent import idempotent
from luntan.core.text import clean_body, clean_line
from luntan.letters.models import Block, Conversation, Format, Letter, LetterSubmission, Participant
from luntan.markup.cooking import cook
from luntan.notices import events as notices
from luntan.protection import limits, newcomers, words
from luntan.protection.models import WordHit

MAX_RECIPIENTS = 20  # others named in one go (and the most members in one conversation, with the author)
MAX_TITLE_CHARS = 80
MAX_NAMES_CHARS = 2000
NAME_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


# --- Checks --------------------------------------------------------------------------------------------------

def clean_title(raw: str) -> str:
    title = clean_line(raw or "")
    if not title:
        raise ValidationError({"title": ValidationError(_("Please enter a title."), code="title_empty")})
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError({"title": ValidationError(
            _("The title is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(title), "max": MAX_TITLE_CHARS}, code="title_long")})
    return title


def clean_source(raw: str) -> str:
    source = clean_body(raw or "")
    if not source.strip():
        raise ValidationError({"source": ValidationError(_("Please write something before sending."),
                                                         code="body_empty")})
    most = settings.LUNTAN["MAX_BODY_CHARS"]
    if len(source) > most:
        raise ValidationError({"source": ValidationError(
            _("The text is %(length)s characters long; at most %(max)s are allowed.")
            % {"length": len(source), "max": most}, code="body_long")})
    return source


def clean_format(raw: str) -> str:
    if raw not in Format.values:
        raise ValidationError({"format": ValidationError(_("Unknown text format."), code="format")})
    return raw


def screen(*, member: Member, source: str, fmt: str) -> str:
    """The watched words (see the module's docstring); returns the text to store."""
    found = words.screen(source, where=words.MESSAGE, fmt=fmt)
    if found.blocked or found.held:
        raise ValidationError({"source": ValidationError(words.refusal(words.MESSAGE), code="watched_word")})
    if found.flagged:
        excerpt = " ".join(source.split())
        WordHit.objects.create(member=member, where=words.MESSAGE, action=found.action,
                               words="、".join(found.words)[:200],
                               excerpt=excerpt[:299] + "…" if len(excerpt) > 300 else excerpt)
    return found.text


def split_names(raw: str) -> list[str]:
    names: dict[str, str] = {}
    for part in NAME_SEPARATORS.split((raw or "")[:MAX_NAMES_CHARS]):
        name = clean_line(part)
        if name:
            names.setdefault(name_key(name), name)
    return list(names.values())


def find_recipients(sender: Member, raw: str, *, field: str = "recipients") -> list[Member]:
    """The members named in `raw` (separated by commas, 、 or new lines), or a ValidationError on `field`
    that names what is wrong: none, too many, yourself, unknown names."""
    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({field: ValidationError(message, code=code)})

    names = split_names(raw)
    if not names:
        raise refuse(_("Please name at least one member to write to."), "recipients_empty")
    if len(names) > MAX_RECIPIENTS:
        raise refuse(_("You named %(count)s members; at most %(max)s can be named at once.")
                     % {"count": len(names), "max": MAX_RECIPIENTS}, "recipients_many")
    keys = {name_key(n): n for n in names}
    if sender.name_key in keys:
        raise refuse(_("You cannot send a message to yourself."), "recipients_self")
    found = list(Member.objects.filter(name_key__in=list(keys), is_active=True).order_by("pk"))
    missing = [n for k, n in keys.items() if k not in {m.name_key for m in found}]
    if missing:
        raise refuse(_("No member is named %(names)s. Please check the names.") % {"names": "、".join(missing)},
                     "recipients_unknown")
    blocking = set(Block.objects.filter(member__in=found, blocked=sender).values_list("member_id", flat=True))
    if blocking:
        who = "、".join(m.username for m in found if m.pk in blocking)
        raise refuse(_("%(names)s cannot receive messages from you.") % {"names": who}, "recipients_blocked")
    return found


def check_sender(member: Member) -> None:
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied(_("Please sign in to send messages."))


def _guarded(member: Member, *, html: str, ip: str | None) -> None:
    """New members' link rule and the "message" rate limit (per group; a trusted caller without `ip`, such
    as the demo, is not counted)."""
    if ip is None:
        return
    try:
        newcomers.check_links(member, html)
    except ValidationError as error:
        raise ValidationError({"source": error}) from None
    limits.check_message(sender=member, address=ip)


def _lock_members(ids) -> None:
    list(Member.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk").values_list("pk", flat=True))


def _add_unread(ids, delta: int) -> None:
    if ids:
        Member.objects.filter(pk__in=list(ids)).update(unread_messages=F("unread_messages") + delta)


# --- Idempotent sends ----------------------------------------------------------------------------------------

def _replayed(author: Member, key: str | None) -> Letter | None:
    if not key:
        return None
    found = LetterSubmission.objects.filter(member=author, key=key).select_related("letter__conversation").first()
    return found.letter if found else None


_idempotent = idempotent(_replayed)


# --- Writes --------------------------------------------------------------------------------------------------

@_idempotent
def conversation_start(*, author: Member, recipients: str, title: str, source: str, fmt: str,
                       ip: str | None = None, submission_key: str | None = None) -> Letter:
    """Starts a conversation with the members named in `recipients`; returns its first message."""
    check_sender(author)
    errors: dict[str, list] = {}
    found: list[Member] = []
    for check in (lambda: find_recipients(author, recipients), lambda: clean_title(title),
                  lambda: clean_source(source), lambda: clean_format(fmt)):
        try:
            result = check()
        except ValidationError as error:
            for field, items in error.error_dict.items():
                errors.setdefault(field, []).extend(items)
            continue
        if isinstance(result, list):
            found = result
    if errors:
        raise ValidationError(errors)
    title, source = clean_title(title), clean_source(source)
    now = timezone.now()
    with transaction.atomic():
        source = clean_source(screen(member=author, source=source, fmt=fmt))
        html = cook(source, fmt=fmt)
        _guarded(author, html=html, ip=ip)
        conversation = Conversation.objects.create(title=title, started_by=author, created_at=now, last_at=now,
                                                   last_number=1, last_author_name=author.username)
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, member=author, joined_at=now, read_number=1)]
            + [Participant(conversation=conversation, member=m, joined_at=now, read_number=0) for m in found])
        letter = Letter.objects.create(conversation=conversation, number=1, author=author,
                                       author_name=author.username, source=source, format=fmt, html=html,
                                       created_at=now)
        if submission_key:
            LetterSubmission.objects.create(member=author, key=submission_key, letter=letter)
        _lock_members(m.pk for m in found)
        _add_unread([m.pk for m in found], 1)
        notices.letter_sent(letter=letter, conversation=conversation, author=author,
                            recipient_ids=[m.pk for m in found])
    return letter


@_idempotent
def letter_reply(*, author: Member, conversation: Conversation, source: str, fmt: str, ip: str | None = None,
                 submission_key: str | None = None) -> Letter:
    """Adds a message to a conversation the author takes part in (else 404, as for a stranger)."""
    check_sender(author)
    source, fmt = clean_source(source), clean_format(fmt)
    now = timezone.now()
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        mine = locked and Participant.objects.filter(conversation=locked, member=author, left_at__isnull=True).first()
        if not locked or not mine:
            raise Http404
        source = clean_source(screen(member=author, source=source, fmt=fmt))
        html = cook(source, fmt=fmt)
        _guarded(author, html=html, ip=ip)
        old, number = locked.last_number, locked.last_number + 1
        letter = Letter.objects.create(conversation=locked, number=number, author=author,
                                       author_name=author.username, source=source, format=fmt, html=html,
                                       created_at=now)
        if submission_key:
            LetterSubmission.objects.create(member=author, key=submission_key, letter=letter)
        Conversation.objects.filter(pk=locked.pk).update(last_number=number, last_at=now,
                                                         last_author_name=author.username)
        # Those who had read everything now have an unread conversation; the others already had one.
        others = Participant.objects.filter(conversation=locked, left_at__isnull=True).exclude(member=author)
        unread_of = {m: number - read for m, read in others.values_list("member_id", "read_number")}
        newly = [m for m in unread_of if unread_of[m] == 1]  # had read everything before this one
        _lock_members([*unread_of, author.pk])  # all of them: their notices change too
        _add_unread(newly, 1)
        if mine.read_number < old:
            _add_unread([author.pk], -1)
        Participant.objects.filter(pk=mine.pk).update(read_number=number)
        notices.letter_sent(letter=letter, conversation=locked, author=author, recipient_ids=list(unread_of),
                            count_of=unread_of)
    return letter


def conversation_mark_read(*, member: Member, conversation: Conversation) -> bool:
    """Marks the conversation read up to its newest message; False when it already was (nothing changes)."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        mine = locked and Participant.objects.filter(conversation=locked, member=member, left_at__isnull=True).first()
        if not locked or not mine:
            raise Http404
        if mine.read_number >= locked.last_number:
            return False
        _lock_members([member.pk])
        Participant.objects.filter(pk=mine.pk).update(read_number=locked.last_number)
        _add_unread([member.pk], -1)
        notices.letter_read(member=member, conversation=locked)  # its notice is read with it
    member.unread_messages = max(0, member.unread_messages - 1)
    return True


def conversation_leave(*, member: Member, conversation: Conversation) -> None:
    """Leaves a conversation: it is gone from the member's inbox and they can no longer open it."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        mine = locked and Participant.objects.filter(conversation=locked, member=member, left_at__isnull=True).first()
        if not locked or not mine:
            raise Http404
        Participant.objects.filter(pk=mine.pk).update(left_at=timezone.now())
        if mine.read_number < locked.last_number:
            _lock_members([member.pk])
            _add_unread([member.pk], -1)


def conversation_add(*, member: Member, conversation: Conversation, names: str) -> list[Member]:
    """Adds members to a conversation the member takes part in; they see it whole, unread. A member who
    left cannot be added back by others (they chose to leave); nor can one who blocks `member`."""
    check_sender(member)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        mine = locked and Participant.objects.filter(conversation=locked, member=member, left_at__isnull=True).first()
        if not locked or not mine:
            raise Http404
        found = find_recipients(member, names, field="names")
        present = dict(Participant.objects.filter(conversation=locked).values_list("member_id", "left_at"))
        already = [m.username for m in found if m.pk in present]
        if already:
            raise ValidationError({"names": ValidationError(
                _("%(names)s already took part in this conversation.") % {"names": "、".join(already)},
                code="names_present")})
        if len(present) + len(found) > MAX_RECIPIENTS + 1:
            raise ValidationError({"names": ValidationError(
                _("A conversation can have at most %(max)s members.") % {"max": MAX_RECIPIENTS + 1},
                code="names_many")})
        now = timezone.now()
        Participant.objects.bulk_create([Participant(conversation=locked, member=m, joined_at=now) for m in found])
        _lock_members(m.pk for m in found)
        _add_unread([m.pk for m in found], 1)
    return found


def block_add(*, member: Member, name: str) -> Member:
    """Blocks the member named `name` (repeating it changes nothing)."""
    check_sender(member)
    typed = clean_line(name or "")
    if not typed:
        raise ValidationError({"name": ValidationError(_("Please enter a member's name."), code="name_empty")})
    other = Member.objects.filter(name_key=name_key(typed), is_active=True).first()
    if other is None:
        raise ValidationError({"name": ValidationError(
            _("No member is named %(names)s. Please check the names.") % {"names": typed}, code="name_unknown")})
    if other.pk == member.pk:
        raise ValidationError({"name": ValidationError(_("You cannot block yourself."), code="name_self")})
    with transaction.atomic():
        Block.objects.get_or_create(member=member, blocked=other)
    return other


def block_remove(*, member: Member, blocked_id: int) -> bool:
    with transaction.atomic():
        return Block.objects.filter(member=member, blocked_id=blocked_id).delete()[0] > 0


def letters_recount(*, member_id: int) -> int:
    """Sets the member's unread count from the rows; returns it."""
    with transaction.atomic():
        _lock_members([member_id])
        unread = Participant.objects.filter(member_id=member_id, left_at__isnull=True,
                                            conversation__last_number__gt=F("read_number")).count()
        Member.objects.filter(pk=member_id).update(unread_messages=unread)
    return unread


def letters_recount_all() -> int:
    """Rebuilds every member's count of unread conversations (`luntan recount`); returns how many were wrong."""
    unread = (Participant.objects.filter(member=OuterRef("pk"), left_at__isnull=True,
                                         conversation__last_number__gt=F("read_number"))
              .order_by().values("member").annotate(n=Count("pk")).values("n"))
    wrong = list(Member.objects.annotate(truth=Coalesce(Subquery(unread), 0)).exclude(unread_messages=F("truth"))
                 .order_by("pk").values_list("pk", flat=True))
    for member_id in wrong:
        letters_recount(member_id=member_id)
    return len(wrong)
