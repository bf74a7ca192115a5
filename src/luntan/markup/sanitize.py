"""The final pass of every cooked post: nh3 with an explicit allowlist.

The renderers already escape and validate; this pass is the backstop that holds even if
a renderer has a bug. It names every tag, attribute and class it keeps, and re-checks
every ``href``/``src`` with the same :func:`~luntan.markup.links.validate_link`.
"""

from __future__ import annotations

import re
from typing import Final

import nh3

from .links import validate_link
from .palette import ALIGNMENTS, FONT_SIZES, NAMED_COLORS

_ALIGN_CLASSES: Final = frozenset(f"align-{a}" for a in ALIGNMENTS)
_SPAN_CLASSES: Final = frozenset(
    {"smiley"} | {f"size-{n}" for n in FONT_SIZES} | {f"color-{c}" for c in NAMED_COLORS}
)
_CLASSES_BY_TAG: Final[dict[str, frozenset[str]]] = {
    "a": frozenset({"mention"}),  # made by luntan.markup.mentions only: no member markup writes a class
    "span": _SPAN_CLASSES,
    "div": _ALIGN_CLASSES,
    "th": _ALIGN_CLASSES,
    "td": _ALIGN_CLASSES,
}
# Fenced code keeps its language for a future highlighter; the name is a plain word.
_LANGUAGE_CLASS_RE: Final = re.compile(r"language-[A-Za-z0-9_+#\-]{1,32}")
_START_RE: Final = re.compile(r"[0-9]{1,9}")

_TAGS: Final = frozenset(
    {
        "p", "br", "strong", "em", "u", "s", "del", "code", "pre", "blockquote", "cite",
        "ul", "ol", "li", "a", "img", "hr", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td", "span", "div",
    }
)  # fmt: skip
# No id/name (DOM clobbering), no on*, no data-*/hx-* (live code under htmx), no style
# (the palette classes cover it). ``rel``, ``loading`` and ``decoding`` are set by nh3
# itself below, never taken from the input.
_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"class", "title"},
    "div": {"class"},
    "th": {"class"},
    "td": {"class"},
}
# Tags whose content is dropped with them: their text is never meant for readers.
_DROP_WITH_CONTENT: Final = frozenset(
    {
        "script", "style", "template", "iframe", "frame", "frameset", "object", "embed",
        "noscript", "noembed", "noframes", "svg", "math", "textarea", "xmp", "title",
    }
)  # fmt: skip


def _filter_classes(tag: str, value: str) -> str | None:
    if tag == "code":
        kept = [c for c in value.split() if _LANGUAGE_CLASS_RE.fullmatch(c)]
    else:
        allowed = _CLASSES_BY_TAG.get(tag, frozenset())
        kept = [c for c in value.split() if c in allowed]
    return " ".join(kept) or None


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """Per-value checks nh3 cannot express with sets alone."""
    if attr == "href":
        return validate_link(value)
    if attr == "src":
        return validate_link(value, image=True)
    if attr == "class":
        return _filter_classes(tag, value)
    if attr == "start":
        return value if _START_RE.fullmatch(value) else None
    return value


_CLEANER: Final = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes=_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow ugc noopener",
    set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    strip_comments=True,
)


def sanitize_html(fragment: str) -> str:
    """Clean renderer output; idempotent, so cleaning twice changes nothing."""
    return _CLEANER.clean(fragment)
