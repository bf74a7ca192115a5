"""Luntan's own BBCode converter.

Not regex-replace-into-HTML (the Discuz! lesson): the source is scanned once into a small
tree, then the tree is written out through one escaping builder. Properties we rely on:

* Linear time. One regex scan; the tag stack is at most ``MAX_DEPTH`` deep, so every
  stack search is bounded; searches for a closing ``[/code]``/``[/img]``/``[/url]``
  remember their last answer, so many unclosed openers do not rescan the input.
* Only known tags with valid parameters become HTML. Anything else (unknown tags, bad
  parameters, a closer without an opener, tags nested too deep) stays literal text.
* Mis-nested inline tags are closed and reopened, like HTML's formatting elements;
  an inline closer never reaches across a block such as ``[quote]``; whatever is still
  open at the end is closed there.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Final

from .links import IMAGE_PATHS, attachment_html, attachment_link, validate_link
from .mentions import split_text
from .palette import ALIGNMENTS, FONT_SIZES, NAMED_COLORS, nearest_color
from .smilies import escape_with_smilies

# Deep enough for real posts (quotes of quotes), small enough to bound every stack walk.
MAX_DEPTH: Final = 16
_MAX_QUOTE_NAME: Final = 64

# Parameters cannot contain brackets: this keeps each match attempt bounded by the next
# "[" and so keeps the scan linear on inputs like "[color=[color=[color=...".
_TAG_RE: Final = re.compile(
    r"\[(/?)(b|i|u|s|color|size|url|img|attach|quote|code|list|align|hr|\*)(?:=([^\[\]\n]{1,2048}))?\]",
    re.IGNORECASE,
)
_HEX_COLOR_RE: Final = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")

_INLINE: Final = frozenset({"b", "i", "u", "s", "color", "size", "url"})
_BLOCK: Final = frozenset({"quote", "list", "li", "align"})
# Blocks whose first and last newline are layout, not content.
_TRIMMED: Final = frozenset({"root", "quote", "li", "align"})
_SIMPLE_HTML: Final = {"b": "strong", "i": "em", "u": "u", "s": "s"}


@dataclass
class _Leaf:
    """A finished piece with no BBCode inside: code, hr, img, or a bare [url]."""

    kind: str
    value: str = ""


@dataclass
class _Node:
    tag: str
    param: str = ""
    children: list[_Node | _Leaf | str] = field(default_factory=list)


def render_bbcode(source: str) -> str:
    """BBCode source to (not yet sanitized) HTML."""
    out: list[str] = []
    _render_children(_Parser(source).parse(), out)
    return "".join(out)


# --- parameters --------------------------------------------------------------------


def _unquote_param(param: str) -> str:
    param = param.strip()
    if len(param) >= 2 and param[0] == param[-1] and param[0] in "\"'":
        return param[1:-1].strip()
    return param


def _color(param: str) -> str | None:
    value = _unquote_param(param).lower()
    if value in NAMED_COLORS:
        return value
    match = _HEX_COLOR_RE.fullmatch(value)
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return nearest_color((int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)))


def _param_value(name: str, param: str | None) -> str | None:
    """The normalized parameter of an opening tag, or None if the tag must stay text."""
    if name in _SIMPLE_HTML:
        return "" if param is None else None
    if param is None:
        return "" if name in ("quote", "list") else None
    value = _unquote_param(param)
    if name == "quote":
        return value if len(value) <= _MAX_QUOTE_NAME else None
    if name == "list":
        return "1" if value == "1" else None
    if name == "url":
        return validate_link(value)
    if name == "color":
        return _color(param)
    if name == "size":
        return value if value in FONT_SIZES else None
    if name == "align":
        value = value.lower()
        return value if value in ALIGNMENTS else None
    return None


# --- parsing -----------------------------------------------------------------------


class _CloserFinder:
    """Finds the next closing tag; reuses its last answer while it is still valid."""

    def __init__(self, source: str, name: str) -> None:
        self._source = source
        self._pattern = re.compile(rf"\[/{name}\]", re.IGNORECASE)
        self._searched_from = -1
        self._found: re.Match[str] | None = None

    def find(self, pos: int) -> re.Match[str] | None:
        # Nothing matched in [searched_from, found), so the answer stands for any pos in it.
        reusable = 0 <= self._searched_from <= pos and (self._found is None or self._found.start() >= pos)
        if not reusable:
            self._searched_from = pos
            self._found = self._pattern.search(self._source, pos)
        return self._found


class _Parser:
    def __init__(self, source: str) -> None:
        self._source = source
        self._root = _Node("root")
        self._stack: list[_Node] = [self._root]
        self._closers = {name: _CloserFinder(source, name) for name in ("code", "img", "url", "attach")}

    def parse(self) -> _Node:
        pos = 0
        while (match := _TAG_RE.search(self._source, pos)) is not None:
            self._add_text(self._source[pos : match.start()])
            pos = self._tag(match)
        self._add_text(self._source[pos:])
        return self._root

    def _tag(self, match: re.Match[str]) -> int:
        """Handle one tag-shaped match; return where scanning continues."""
        closing, name, param = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if closing:
            if param is None and self._close(name):
                return match.end()
        else:
            resume = self._open(name, param, match.end())
            if resume is not None:
                return resume
        self._add_text(match.group(0))
        return match.end()

    # Opening tags return where to resume, or None to keep the tag as literal text.

    def _open(self, name: str, param: str | None, end: int) -> int | None:
        if name in ("code", "img", "attach") or (name == "url" and param is None):
            return self._open_leaf(name, param, end)
        if name == "hr":
            if param is not None:
                return None
            self._add(_Leaf("hr"))
            return end
        if name == "*":
            return end if param is None and self._start_item() else None
        if len(self._stack) > MAX_DEPTH or (name == "url" and self._inside_link()):
            return None
        value = _param_value(name, param)
        if value is None:
            return None
        node = _Node(name, value)
        self._add(node)
        self._stack.append(node)
        return end

    def _open_leaf(self, name: str, param: str | None, end: int) -> int | None:
        if param is not None:
            return None
        closer = self._closers[name].find(end)
        if name == "code":
            # An unclosed [code] runs to the end: its content is still shown verbatim.
            stop = closer.start() if closer else len(self._source)
            self._add(_Leaf("code", self._source[end:stop]))
            return closer.end() if closer else len(self._source)
        if closer is None or (name in ("url", "attach") and self._inside_link()):
            return None
        if name == "attach":
            found = attachment_link(self._source[end : closer.start()])
            if found is None:
                return None
            self._add(_Leaf("attach", found))
            return closer.end()
        url = validate_link(self._source[end : closer.start()], image=name == "img")
        if url is None:
            return None
        self._add(_Leaf("img" if name == "img" else "link", url))
        return closer.end()

    def _start_item(self) -> bool:
        for index in range(len(self._stack) - 1, 0, -1):
            if self._stack[index].tag == "list":
                del self._stack[index + 1 :]
                self._push_item(self._stack[index])
                return True
        return False

    def _close(self, name: str) -> bool:
        index = self._find_open("li" if name == "*" else name)
        if index is None:
            return False
        inner = self._stack[index + 1 :]
        del self._stack[index:]
        if name in _INLINE:
            # [b][i]x[/b]y[/i]: "y" stays italic, as a browser would show it.
            for node in inner:
                if node.tag in _INLINE:
                    reopened = _Node(node.tag, node.param)
                    self._add(reopened)
                    self._stack.append(reopened)
        return True

    def _find_open(self, tag: str) -> int | None:
        for index in range(len(self._stack) - 1, 0, -1):
            node = self._stack[index]
            if node.tag == tag:
                return index
            if tag in _INLINE and node.tag in _BLOCK:
                return None  # formatting never reaches across a block boundary
        return None

    def _inside_link(self) -> bool:
        return any(node.tag == "url" for node in self._stack)

    # Content goes into the top node; a list only holds items, so it gets one first.

    def _add_text(self, text: str) -> None:
        if text and not (self._stack[-1].tag == "list" and text.isspace()):
            self._target().children.append(text)

    def _add(self, item: _Node | _Leaf) -> None:
        self._target().children.append(item)

    def _target(self) -> _Node:
        top = self._stack[-1]
        if top.tag == "list":
            return self._push_item(top)
        return top

    def _push_item(self, list_node: _Node) -> _Node:
        item = _Node("li")
        list_node.children.append(item)
        self._stack.append(item)
        return item


# --- rendering ---------------------------------------------------------------------


def _is_block(item: _Node | _Leaf | str) -> bool:
    if isinstance(item, _Node):
        return item.tag in _BLOCK
    return isinstance(item, _Leaf) and item.kind in ("code", "hr")


def _merged(children: list[_Node | _Leaf | str]) -> list[_Node | _Leaf | str]:
    """Join neighbouring text pieces (literal tags are added as separate pieces)."""
    merged: list[_Node | _Leaf | str] = []
    pending: list[str] = []
    for child in children:
        if isinstance(child, str):
            pending.append(child)
            continue
        if pending:
            merged.append("".join(pending))
            pending = []
        merged.append(child)
    if pending:
        merged.append("".join(pending))
    return merged


def _render_children(node: _Node, out: list[str], plain: bool = True) -> None:
    # plain: not inside a link or a quote, where "@name" is a mention.
    plain = plain and node.tag not in ("url", "quote")
    items = _merged(node.children)
    trimmed = node.tag in _TRIMMED
    last = len(items) - 1
    for index, item in enumerate(items):
        if not isinstance(item, str):
            _render_item(item, out, plain)
            continue
        # One newline next to a block edge is layout: "[quote]\nhi\n[/quote]\n" has no <br>.
        if (index == 0 and trimmed) or (index > 0 and _is_block(items[index - 1])):
            item = item.removeprefix("\n")
        if (index == last and trimmed) or (index < last and _is_block(items[index + 1])):
            item = item.removesuffix("\n")
        text = split_text(item, escape_with_smilies) if plain else escape_with_smilies(item)
        out.append(text.replace("\n", "<br>"))


def _render_item(item: _Node | _Leaf, out: list[str], plain: bool = True) -> None:
    if isinstance(item, _Leaf):
        out.append(_leaf_html(item))
        return
    open_tag, close_tag = _node_tags(item)
    out.append(open_tag)
    _render_children(item, out, plain)
    out.append(close_tag)


def _leaf_html(leaf: _Leaf) -> str:
    value = html.escape(leaf.value)
    if leaf.kind == "code":
        code = leaf.value.removeprefix("\n").removesuffix("\n")
        return f"<pre><code>{html.escape(code)}</code></pre>"
    if leaf.kind == "img":
        # An uploaded picture's thumbnail is put in as a link to its full size: the link is named by the
        # picture's text, in no language in particular ("🖼"); other pictures are decoration.
        alt = "\U0001f5bc" if leaf.value.startswith(IMAGE_PATHS[1]) else ""
        return f'<img src="{value}" alt="{alt}">'
    if leaf.kind == "link":
        return f'<a href="{value}">{value}</a>'
    if leaf.kind == "attach":
        return attachment_html(leaf.value)
    return "<hr>"


def _node_tags(node: _Node) -> tuple[str, str]:
    tag, param = node.tag, html.escape(node.param)
    if tag in _SIMPLE_HTML:
        name = _SIMPLE_HTML[tag]
        return f"<{name}>", f"</{name}>"
    if tag == "color":
        return f'<span class="color-{param}">', "</span>"
    if tag == "size":
        return f'<span class="size-{param}">', "</span>"
    if tag == "url":
        return f'<a href="{param}">', "</a>"
    if tag == "quote":
        cite = f"<cite>{param}</cite>" if param else ""
        return f"<blockquote>{cite}", "</blockquote>"
    if tag == "list":
        name = "ol" if param == "1" else "ul"
        return f"<{name}>", f"</{name}>"
    if tag == "align":
        return f'<div class="align-{param}">', "</div>"
    return "<li>", "</li>"
