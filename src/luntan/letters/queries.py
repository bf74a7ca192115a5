"""Reads for 短消息. One door to a conversation: `access_conversation` returns the member's own part in it
or raises the same 404 for a missing conversation, one the member is not in, one they left, and a guest."""

from dataclasses import dataclass

from django.http import Http404

from luntan.core.paging import Pages, page_count, page_number
from luntan.letters.models import Block, Letter, Participant

INBOX_PER_PAGE = 20
LETTERS_PER_PAGE = 30


def parse_id(raw) -> int:
    text = str(raw)
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise Http404
    return int(text)


def access_conversation(member, conversation_id) -> Participant:
    """The member's Participant row, its conversation loaded (one query), or 404."""
    if not getattr(member, "is_authenticated", False):
        raise Http404
    found = (Participant.objects.select_related("conversation")
             .filter(member=member, conversation_id=parse_id(conversation_id), left_at__isnull=True).first())
    if found is None:
        raise Http404
    return found


@dataclass
class InboxRow:
    part: Participant
    others: list[str]


@dataclass
class Inbox:
    rows: list[InboxRow]
    pages: Pages
    total: int


def inbox(member, *, page_raw) -> Inbox:
    """The member's conversations, newest message first: three queries whatever the page holds."""
    mine = Participant.objects.filter(member=member, left_at__isnull=True)
    total = mine.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, INBOX_PER_PAGE)),
                  count=page_count(total, INBOX_PER_PAGE))
    start = (pages.number - 1) * INBOX_PER_PAGE
    parts = list(mine.select_related("conversation")
                 .order_by("-conversation__last_at", "-conversation_id")[start:start + INBOX_PER_PAGE])
    others: dict[int, list[str]] = {p.conversation_id: [] for p in parts}
    if parts:
        for conversation_id, name in (Participant.objects.filter(conversation_id__in=list(others),
                                                                 left_at__isnull=True)
                                      .exclude(member=member).order_by("joined_at", "pk")
                                      .values_list("conversation_id", "member__username")):
            others[conversation_id].append(name)
    return Inbox([InboxRow(p, others[p.conversation_id]) for p in parts], pages, total)


@dataclass
class ConversationPage:
    letters: list[Letter]
    pages: Pages
    members: list[tuple[int, str, bool]]  # (member id, name, left)


def conversation_page(part: Participant, *, page_raw) -> ConversationPage:
    """One page of messages, oldest first, and who takes part: two queries whatever the page holds."""
    conversation = part.conversation
    count = page_count(conversation.last_number, LETTERS_PER_PAGE)
    raw = page_raw
    if raw is None and part.read_number < conversation.last_number:  # open where the unread messages start
        raw = str(part.read_number // LETTERS_PER_PAGE + 1)
    pages = Pages(number=page_number(raw or "last", last=count), count=count)
    start = (pages.number - 1) * LETTERS_PER_PAGE
    letters = list(Letter.objects.filter(conversation=conversation, number__gt=start,
                                         number__lte=start + LETTERS_PER_PAGE).order_by("number"))
    members = [(mid, name, left is not None) for mid, name, left in
               Participant.objects.filter(conversation=conversation).order_by("joined_at", "pk")
               .values_list("member_id", "member__username", "left_at")]
    return ConversationPage(letters, pages, members)


def blocked_members(member) -> list[tuple[int, str]]:
    return list(Block.objects.filter(member=member).order_by("-created_at", "-pk")
                .values_list("blocked_id", "blocked__username"))
