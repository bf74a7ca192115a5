"""The thread page's conditional parts: each floor's markers become holes (luntan.markup.conditions.place_holes,
in forum.fragments) that are filled here for each reader. The kept page holds only the markers; the parts'
text is read per request, for the readers who may see it, in one query for the thread and at most two for the
reader, however many parts the page has."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from markupsafe import Markup

from luntan.forum import extensions
from luntan.hidden import queries, rules
from luntan.hidden.models import FloorPart


def part_filler(request: HttpRequest, thread, moderator: bool):
    found: list[tuple[dict[tuple[int, int], queries.PartRow], rules.Reader]] = []  # read at the first hole

    def fill(req: HttpRequest, args: list[str]) -> str:
        if len(args) != 2:
            return ""
        if not found:
            parts = queries.thread_parts(thread.pk)
            found.append((parts, queries.reader_of(req.user, thread.pk, parts, moderator=moderator)))
        parts, reader = found[0]
        part = parts.get((int(args[0]), int(args[1])))
        return "" if part is None else box(req, part, reader)

    return fill


def box(request: HttpRequest, part: queries.PartRow, reader: rules.Reader) -> str:
    kind = rules.trade_type() if part.kind == FloorPart.Kind.SELL else None
    opened = reader.may_read(kind=part.kind, amount=part.amount, floor_id=part.floor_id, number=part.number,
                             author_id=part.author_id)
    context = {
        "part": part, "opened": opened, "reader": reader, "html": Markup(part.html),  # noqa: S704 - cooked
        "price": kind.amount(part.amount) if kind else str(part.amount),
        "buy_url": reverse("hidden:buy", args=[part.floor_id, part.number]),
        "buyers_url": reverse("hidden:buyers", args=[part.floor_id, part.number]),
        "seller_gets": kind.amount(rules.seller_gets(part.amount)) if kind else "",
        "bought": (part.floor_id, part.number) in reader.bought,
        "may_buy": kind is not None and reader.member_id is not None and not opened,
    }
    return render_to_string("hidden/_part.html", context, request=request)


def register() -> None:
    from luntan.hidden import services

    extensions.register_thread_filler("cpart", part_filler)
    extensions.register_floor_parts_saver(services.parts_save)
