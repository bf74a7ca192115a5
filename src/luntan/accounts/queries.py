"""Reads about members: one door to a member by UID, and the profile page with a fixed number of queries."""

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from luntan.accounts.cards import Card, build_cards, card_members
from luntan.accounts.models import Member
from luntan.forum.models import Floor, Thread
from luntan.forum.queries import parse_id, recent_replies, recent_threads

RECENT = 10


def access_member(uid) -> Member:
    """The member with this UID, or 404 for a missing one and for anything that is not a UID."""
    try:
        return card_members(Member.objects.all()).get(pk=parse_id(uid))
    except Member.DoesNotExist:
        raise Http404 from None


@dataclass
class Profile:
    member: Member
    card: Card
    threads: list[Thread]
    replies: list[Floor]


def member_profile(uid) -> Profile:
    """Three queries whatever the member has written: the member with the group, and two short lists."""
    member = access_member(uid)
    return Profile(
        member=member,
        card=build_cards([member])[member.pk],
        threads=recent_threads(member, limit=RECENT),
        replies=recent_replies(member, limit=RECENT),
    )


def member_from_reset_link(uidb64: str, token: str) -> Member | None:
    """The member a password-reset link was made for, or None when the link is garbled, used or expired."""
    try:
        raw = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    member = Member.objects.filter(pk=int(raw), is_active=True).first()
    if member is None or not default_token_generator.check_token(member, token):
        return None
    return member
