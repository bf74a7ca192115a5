"""The thread page's conditional parts: each floor's markers become holes (luntan.markup.conditions.place_holes,
in forum.fragments) that are filled here for each reader. The kept page holds only the markers; the parts'
text is read per request, for the readers who may see it, in one query for the thread and at most two for the
reader, however many parts the page has."""

from dataclasses import replace
from typing import cast

from django.core.cache import cache
from django.http import HttpRequest
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import get_language
from markupsafe import Markup

from luntan.core import localcache, pagecache
from luntan.core.holes import csrf_field
from luntan.credits import config
from luntan.forum import extensions
from luntan.hidden import queries, rules
from luntan.hidden.models import FloorPart
from luntan.markup.conditions import WHOLE


def part_filler(request: HttpRequest, thread, moderator: bool):
    state: dict = {}  # read at the first hole: the kept parts' key, the parts, the reader (and their texts)

    def fill(req: HttpRequest, args: list[str]) -> str:
        if len(args) != 2:
            return ""
        if not state:
            state["key"], state["parts"] = kept_parts(thread.pk)
            if req.user.is_authenticated:
                state["reader"], state["text"] = queries.member_reading(req.user, thread.pk, moderator=moderator)
            else:
                state["reader"] = queries.reader_of(req.user, thread.pk, state["parts"], moderator=moderator)
        parts: dict[tuple[int, int], queries.PartRow] = state["parts"]
        reader: rules.Reader = state["reader"]
        part = parts.get((int(args[0]), int(args[1])))
        if part is None:
            return ""
        if reader.may_read(kind=part.kind, amount=part.amount, floor_id=part.floor_id, number=part.number,
                           author_id=part.author_id):
            # The text, for this reader only: never kept.
            return box(req, replace(part, html=state["text"].get((part.floor_id, part.number), "")), reader)
        # A closed box holds no text and is the same for every reader in the same case: kept under the parts'
        # key, the form's token put in per reader.
        case = "guest" if reader.member_id is None else f"member:{reader.credit_total}"
        box_key = f"{state['key']}:box:{get_language()}:{part.floor_id}:{part.number}:{case}:{req.path}"
        html = localcache.fragments.get(box_key)
        if html is None:
            html = box(req, part, reader, token=Markup(CSRF_SPOT))  # noqa: S704 - our own marker
            localcache.fragments.set(box_key, html, len(html) * 2)
        return html.replace(CSRF_SPOT, csrf_field(req, [])) if CSRF_SPOT in html else html

    return fill


def kept_parts(thread_id: int) -> tuple[str, dict[tuple[int, int], queries.PartRow]]:
    """The thread's parts without their text, kept under the thread's version (every edit bumps it) and the
    parts' own (a purchase bumps it): a guest's page view reads no table for them."""
    key = f"cparts:{thread_id}:{pagecache.versions(f'thread:{thread_id}', rules.parts_scope(thread_id))}"
    parts = localcache.fragments.get(key)
    if parts is None:
        parts = cache.get(key)
        if parts is None:
            parts = queries.thread_parts(thread_id, text=False)
            cache.set(key, parts, pagecache.ttl())
        localcache.fragments.set(key, parts, 512 + 200 * len(parts))
    return key, parts


CSRF_SPOT = "<!--cpart-token-->"


def box(request: HttpRequest, part: queries.PartRow, reader: rules.Reader, *, token: str | None = None) -> str:
    kind = rules.trade_type() if part.kind == FloorPart.Kind.SELL else None
    opened = reader.may_read(kind=part.kind, amount=part.amount, floor_id=part.floor_id, number=part.number,
                             author_id=part.author_id)
    context = {
        "part": part, "opened": opened, "reader": reader, "html": Markup(part.html),  # noqa: S704 - cooked
        "price": kind.amount(part.amount) if kind else str(part.amount),
        "buyers_url": reverse("hidden:buyers", args=[part.floor_id, part.number]) if kind else "",
        "seller_gets": kind.amount(rules.seller_gets(part.amount)) if kind else "",
        "bought": (part.floor_id, part.number) in reader.bought,
        "may_buy": kind is not None and reader.member_id is not None and not opened,
        "path": request.path,
        # A thread price (主题售价): the whole opening post, bought on a page that confirms the price first.
        "whole": part.number == WHOLE,
    }
    if context["whole"]:
        context["buy_url"] = reverse("hidden:thread_buy", args=[part.floor_id])
    elif context["may_buy"]:
        context["csrf_input"] = token if token is not None else Markup(csrf_field(request, []))  # noqa: S704
        context["buy_url"] = reverse("hidden:buy", args=[part.floor_id, part.number])
    # Rendered without the request's context processors (a box is a small piece of a kept page).
    return get_template("hidden/_part.html").render(context)


def register() -> None:
    from luntan.hidden import services

    extensions.register_thread_filler("cpart", part_filler)
    extensions.register_floor_parts_saver(services.parts_save)
    # A priced thread's tag in the lists and on its page ("售价 5 金币"), in the trade currency.
    env = cast(Jinja2, engines["jinja2"]).env
    env.globals["price_text"] = config.price_text
