"""The floors of a thread page and their authors' cards, rendered once and kept in process memory.

A floor's text and header are the same for every reader; they are kept under a key made of what they
show (the floor's edit stamp, the language, how the page is filtered), so a change is a new key and
nothing has to be invalidated. An author's card is kept per member for a minute, the way guests' pages
are: its figures (posts, online state) may be that old, and the page then needs no member rows at all.
Only the action links under a floor depend on who reads; the page adds them itself."""

from typing import cast

import jinja2
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.translation import get_language
from markupsafe import Markup

from luntan.accounts import signatures
from luntan.accounts.cards import build_cards, card_members
from luntan.accounts.models import Member
from luntan.core import localcache, pagecache
from luntan.forum import extensions
from luntan.forum.models import Floor, Thread
from luntan.markup.conditions import place_holes


def _template(name: str) -> jinja2.Template:
    return cast(Jinja2, engines["jinja2"]).env.get_template(name)


def _keep(key: str, html: str) -> Markup:
    # The templates autoescape; the only raw HTML in them is a floor's cooked, sanitized text.
    markup = Markup(html)  # noqa: S704
    localcache.fragments.set(key, markup, len(html) * 2)
    return markup


def floor_bodies(thread: Thread, floors: list[Floor], *, moderator_view: bool,
                 author_filtered: bool, pinned: Floor | None = None) -> dict[int | str, Markup]:
    """{floor pk: HTML}, and under "pinned" the stuck reply's copy shown under floor 1 (without the floor's
    anchors, which stay with the floor itself). Floors come without their text; the text of the ones not
    kept yet is read in one query."""
    language = get_language()
    # A protected board's floors carry markers for the per-view noise and mark (extensions.BODY_GUARDS), except
    # on its moderators' page.
    guarded = thread.board.protect_content and not moderator_view and bool(extensions.BODY_GUARDS)
    items: dict[int | str, tuple[Floor, bool]] = {f.pk: (f, False) for f in floors}
    if pinned is not None:
        items["pinned"] = (pinned, True)
    # What other apps show under floors (attachments): their stamps are part of each floor's key.
    additions = [(stamp, provider) for stamp, provider in extensions.FLOOR_ADDITIONS
                 if getattr(thread, stamp, None) is not None]
    stamps = "".join(f":{getattr(thread, stamp)}" for stamp, _provider in additions)
    keys = {}
    for name, (f, stuck) in items.items():
        edited = f.edited_at.timestamp() if f.edited_at else 0
        keys[name] = (f"floor:{language}:{f.pk}:{f.created_at.timestamp()}:{edited}:{int(f.is_deleted)}:"
                      f"{int(moderator_view)}:{int(author_filtered)}:{f.like_count}:{int(f.is_waiting)}"
                      f"{':pinned' if stuck else ''}{':guarded' if guarded else ''}{stamps}")
    found = {name: localcache.fragments.get(key) for name, key in keys.items()}
    missing = [name for name in items if found[name] is None]
    if missing:
        texts = dict(Floor.objects.filter(pk__in=[items[name][0].pk for name in missing]).values_list("pk", "html"))
        extras: dict[int, str] = {}
        for _stamp, provider in additions:
            for pk, extra in provider(thread, [items[name][0] for name in missing]).items():
                extras[pk] = extras.get(pk, "") + extra
        template = _template("forum/_floor.html")
        for name in missing:  # the floors are shared with other requests: the text is passed, not set on them
            f, stuck = items[name]
            html = place_holes(texts.get(f.pk, ""), f.pk)  # [hide]/[sell] parts: filled per reader
            for guard in extensions.BODY_GUARDS if guarded else ():
                html = guard(html, f)
            found[name] = _keep(keys[name], template.render(
                f=f, html=html, extra=Markup(extras.get(f.pk, "")),  # noqa: S704 - rendered by its app's template
                thread=thread, moderator_view=moderator_view,
                author_filtered=author_filtered, pinned=stuck))
    return found


def author_cards(author_ids: set[int]) -> dict[int, Markup]:
    """{member pk: card HTML}, at most a minute old; the members not kept are read in one query."""
    language = get_language()
    keys = {uid: f"card:{language}:{pagecache.time_bucket(f'card:{uid}')}:{uid}" for uid in author_ids}
    found = {uid: localcache.fragments.get(key) for uid, key in keys.items()}
    missing = [uid for uid, html in found.items() if html is None]
    if missing:
        # With the cooked signatures: the page shows them too (accounts.signatures), and needs no query for them.
        keep_signatures = signatures.keeper(missing)
        members = list(card_members(Member.objects.filter(pk__in=missing).defer("password", "signature")))
        keep_signatures(members)
        template = _template("accounts/_card_fragment.html")
        for uid, card in build_cards(members).items():
            found[uid] = _keep(keys[uid], template.render(card=card))
    return found


def own_card(member) -> str:
    """The reader's own card, as fresh as their member row: a change of their credits, level or medals
    changes `card_stamp`, so after a check-in, a spin or a transfer one sees the new figures at once,
    while everyone else's copy of the card may be a minute old."""
    language = get_language()
    key = (f"owncard:{language}:{member.pk}:{member.card_stamp}:{member.post_count}:{member.digest_count}:"
           f"{member.group_id}:{member.username}")
    found = localcache.fragments.get(key)
    if found is None:
        members = card_members(Member.objects.filter(pk=member.pk).defer("password", "signature", "signature_html"))
        card = build_cards(members).get(member.pk)
        if card is None:
            return ""
        found = _keep(key, _template("accounts/_card_fragment.html").render(card=card))
    return found
