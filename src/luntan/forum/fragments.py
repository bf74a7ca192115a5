"""The floors of a thread page, rendered once and kept.

A floor's HTML (its author card, header and cooked text) is the same for every reader; only the action
links under it depend on who reads. It is kept in process memory under a key made of everything it shows
(the floor's edit stamp, the card's figures, the language), so a change to any of them is a new key and
nothing ever has to be invalidated."""

import hashlib

from django.template import engines
from django.utils.translation import get_language
from markupsafe import Markup

from luntan.accounts.cards import Card
from luntan.core import display, localcache
from luntan.forum.models import Floor, Thread


def _card_stamp(card: Card) -> str:
    m = card.member
    group = m.group
    parts = (m.pk, m.username, group.pk if group else 0, group.name if group else "", m.custom_title,
             m.digest_count, m.post_count, display.hours(m.online_seconds), card.online,
             display.date(m.date_joined), display.date(m.last_login), m.avatar.name if m.avatar else "",
             tuple(card.extra_rows))
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


def _floor_stamp(floor: Floor) -> str:
    edited = floor.edited_at.timestamp() if floor.edited_at else 0
    return f"{floor.pk}:{floor.created_at.timestamp()}:{edited}:{int(floor.is_deleted)}"


def render_floors(thread: Thread, floors: list[Floor], cards: dict[int, Card], *, moderator_view: bool,
                  author_filtered: bool) -> dict[int, Markup]:
    """{floor pk: HTML} for the page's floors; misses are rendered with one template each and kept."""
    language = get_language()
    stamps = {c_id: _card_stamp(card) for c_id, card in cards.items()}
    found: dict[int, Markup] = {}
    template = None
    for floor in floors:
        key = (f"floor:{language}:{thread.pk}:{_floor_stamp(floor)}:{stamps[floor.author_id]}:"
               f"{int(moderator_view)}:{int(author_filtered)}")
        html = localcache.fragments.get(key)
        if html is None:
            if template is None:
                template = engines["jinja2"].env.get_template("forum/_floor.html")
            # The template autoescapes; the only raw HTML in it is the floor's cooked, sanitized text.
            html = Markup(template.render(  # noqa: S704
                f=floor, card=cards[floor.author_id], thread=thread,
                moderator_view=moderator_view, author_filtered=author_filtered))
            localcache.fragments.set(key, html, len(html) * 2)
        found[floor.pk] = html
    return found
