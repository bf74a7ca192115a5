"""Content with a condition: ``[hide]...[/hide]`` (readers who replied), ``[hide=N]`` (readers with at least N
total credits) and ``[sell=N]...[/sell]`` (readers who paid N). The same tags in BBCode and Markdown.

A floor's conditional parts never reach its public HTML: they are cut out of the source before cooking, each
cooked on its own, and the public HTML gets a marker (an HTML comment, which no member can write: the
sanitizer drops every comment) where each part stood. The thread page turns the markers into holes
(luntan.core.holes) and fills each one for its reader; every other page that shows the public HTML shows
nothing there.

Cutting is a linear scan: at most ``MAX_PARTS`` parts; a closer is searched once per opener, and the search
for the next closer of a kind remembers its last answer (as the BBCode parser does), so many unclosed
openers do not rescan the input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _

from .cooking import cook
from .mentions import Mentions

MAX_PARTS: Final = 10
MAX_AMOUNT: Final = 999_999_999

REPLY, CREDITS, SELL = "reply", "credits", "sell"
# The number of the one part a priced opening post is (a thread price, 主题售价): its whole text, sold at the
# thread's price. Inline parts are numbered from 1, so it never meets one.
WHOLE: Final = 0
WHOLE_MARKER: Final = f"<!--cpart:{WHOLE}-->"

_OPEN_RE: Final = re.compile(r"\[(hide|sell)(?:=(\d{1,9}))?\]", re.IGNORECASE)
# Where a part stood, while the public text is cooked: private-use characters, taken out of what the member
# typed first, so that only the cutter writes them.
_START, _END = "\ue000", "\ue001"
_SPOT_RE: Final = re.compile(f"{_START}([0-9]{{1,2}}){_END}")
_ALONE_RE: Final = re.compile(f"<p>{_START}([0-9]{{1,2}}){_END}</p>")
# What the stored public HTML holds for part n; the thread page makes it a hole naming the floor too.
_MARKER_RE: Final = re.compile(r"<!--cpart:([0-9]{1,2})-->")
_BR_AROUND_RE: Final = re.compile(r"(?:<br>\n?)?(<!--cpart:[0-9]{1,2}-->)(?:<br>\n?)?")


@dataclass(frozen=True)
class Part:
    number: int  # 1.. within its floor
    kind: str  # REPLY, CREDITS or SELL
    amount: int  # credits needed (CREDITS) or the price (SELL); 0 for REPLY
    source: str
    html: str


@dataclass(frozen=True)
class Cooked:
    html: str  # public: markers where the parts were
    parts: list[Part]

    @property
    def whole_html(self) -> str:
        """Every part inside: what the post guards check and the author's own preview shows."""
        return inline_parts(self.html, {p.number: _open_box(p) for p in self.parts})


class _Closer:
    def __init__(self, source: str, name: str) -> None:
        self._source, self._pattern = source, re.compile(rf"\[/{name}\]", re.IGNORECASE)
        self._searched_from = -1
        self._found: re.Match[str] | None = None

    def find(self, pos: int) -> re.Match[str] | None:
        reusable = 0 <= self._searched_from <= pos and (self._found is None or self._found.start() >= pos)
        if not reusable:
            self._searched_from, self._found = pos, self._pattern.search(self._source, pos)
        return self._found


def _cut(source: str) -> tuple[str, list[tuple[str, int, str]]]:
    """(the public source with a spot for each part, [(kind, amount, the part's source)])."""
    source = source.replace(_START, "").replace(_END, "")
    if "[" not in source:
        return source, []
    closers = {"hide": _Closer(source, "hide"), "sell": _Closer(source, "sell")}
    out: list[str] = []
    parts: list[tuple[str, int, str]] = []
    pos = 0
    while len(parts) < MAX_PARTS and (match := _OPEN_RE.search(source, pos)) is not None:
        name, raw = match.group(1).lower(), match.group(2)
        amount = int(raw) if raw is not None else 0
        closer = closers[name].find(match.end())
        if closer is None or (name == "sell" and amount <= 0):
            out.append(source[pos:match.end()])  # stays literal text
            pos = match.end()
            continue
        kind = SELL if name == "sell" else (CREDITS if amount > 0 else REPLY)
        out.append(source[pos:match.start()])
        parts.append((kind, amount, source[match.end():closer.start()]))
        out.append(f"{_START}{len(parts)}{_END}")
        pos = closer.end()
    out.append(source[pos:])
    return "".join(out), parts


def _outside_tags(html: str, at: int) -> bool:
    return html.rfind("<", 0, at) <= html.rfind(">", 0, at)


def cook_floor(source: str, *, fmt: str, mentions: Mentions | None = None) -> Cooked:
    """A floor's text cooked with its conditional parts apart. A part whose spot ended up inside a tag (a link's
    address) is dropped with its spot: a marker may only stand between tags. `mentions` link @names in the
    public text only: a hidden part names nobody (its words must not reach a notice)."""
    public, cut = _cut(source)
    if not cut:
        return Cooked(html=cook(public, fmt=fmt, mentions=mentions), parts=[])
    html = _ALONE_RE.sub(lambda m: f"{_START}{m.group(1)}{_END}", cook(public, fmt=fmt, mentions=mentions))
    placed: set[int] = set()

    def mark(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(cut) or number in placed or not _outside_tags(html, match.start()):
            return ""
        placed.add(number)
        return f"<!--cpart:{number}-->"

    html = _SPOT_RE.sub(mark, html).replace(_START, "").replace(_END, "")
    # A part is shown as a block: the line breaks around its tags are layout, as around a [quote].
    html = _BR_AROUND_RE.sub(r"\1", html)
    parts = [Part(number=n, kind=kind, amount=amount, source=text, html=cook(text, fmt=fmt) if text.strip() else "")
             for n, (kind, amount, text) in enumerate(cut, start=1) if n in placed]
    return Cooked(html=html, parts=parts)


def sell_whole(cooked: Cooked, price: int) -> Cooked:
    """A floor sold whole (a thread price): its public HTML is one marker and its whole cooked text one paid
    part, numbered WHOLE. A price of 0 leaves it as it is. The parts the text had are refused: the price
    already covers all of it."""
    if price <= 0:
        return cooked
    if cooked.parts:
        raise ValidationError(
            _("A thread with a price sells its whole first post: please remove the [hide] and [sell] tags, or set "
              "the price to 0."), code="price_parts")
    return Cooked(html=WHOLE_MARKER, parts=[Part(number=WHOLE, kind=SELL, amount=price, source="", html=cooked.html)])


def sold_whole(html: str) -> bool:
    """Whether a floor's public HTML is a thread price's marker alone: nothing of its source is public."""
    return html == WHOLE_MARKER


def strip_parts(source: str, *, html: str = "") -> str:
    """The source without its conditional parts (a quote, a search snippet, a report's excerpt); nothing at all
    for a floor sold whole (pass its public `html` to tell)."""
    if sold_whole(html):
        return ""
    public, cut = _cut(source)
    return _SPOT_RE.sub("", public) if cut else public


def has_markers(html: str) -> bool:
    return "<!--cpart:" in html


def place_holes(html: str, floor_id: int) -> str:
    """The floor's markers as holes of the thread page (luntan.core.holes), filled per reader."""
    if "<!--cpart:" not in html:
        return html
    return _MARKER_RE.sub(lambda m: f"<!--hole:cpart:{int(floor_id)},{m.group(1)}-->", html)


def inline_parts(html: str, boxes: dict[int, str]) -> str:
    """The markers replaced by `boxes` ({part number: HTML}); a marker without one is left out."""
    if "<!--cpart:" not in html:
        return html
    return _MARKER_RE.sub(lambda m: boxes.get(int(m.group(1)), ""), html)


def condition_text(kind: str, amount: int, unit: str = "") -> str:
    """Who may read a part, as its box's label says."""
    if kind == SELL:
        return _("Paid content: %(price)s") % {"price": f"{amount} {unit}".strip()}
    if kind == CREDITS:
        return _("Hidden content: for members with at least %(amount)s total credits") % {"amount": amount}
    return _("Hidden content: for members who replied")


def _open_box(part: Part) -> str:
    label = escape(condition_text(part.kind, part.amount))
    return f'<div class="cpart cpart-open"><p class="cpart-label">{label}</p>{part.html}</div>'



def with_notices(html: str) -> str:
    """Public HTML for places outside the thread page (a feed): each part's place says that something is there."""
    if "<!--cpart:" not in html:
        return html
    text = _("This post has hidden or paid content; read it on the forum.")
    notice = f'<p class="cpart-locked">{escape(text)}</p>'
    return _MARKER_RE.sub(lambda _m: notice, html)
