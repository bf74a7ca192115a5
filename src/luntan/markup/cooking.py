"""Cooking: what a member typed, to the HTML that templates may mark safe.

This module is the only producer of post HTML (STYLE.md point 9): templates render
``cook()`` output with ``|safe`` and escape everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .bbcode import render_bbcode
from .commonmark import render_markdown
from .mentions import Mentions, active
from .sanitize import sanitize_html

FORMATS: Final = ("markdown", "bbcode")

_RENDERERS: Final[dict[str, Callable[[str], str]]] = {
    "markdown": render_markdown,
    "bbcode": render_bbcode,
}


def cook(source: str, *, fmt: str, mentions: Mentions | None = None) -> str:
    """Render ``source`` in format ``fmt`` (one of :data:`FORMATS`) to sanitized HTML.

    Callers enforce the maximum length; rendering is linear in the input size. ``mentions``: the members
    "@name" may link to (luntan.markup.mentions); what was linked is left in ``mentions.found``.
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown markup format {fmt!r}; expected one of {', '.join(FORMATS)}")
    token = active.set(mentions)
    try:
        return sanitize_html(renderer(_normalize(source)))
    finally:
        active.reset(token)


def _normalize(source: str) -> str:
    # One newline convention for both renderers; NUL is what CommonMark replaces anyway.
    return source.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
