"""Cooking output, pinned by the data-driven cases in cases.json and compared as DOM trees."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from luntan.markup.cooking import FORMATS, cook
from luntan.markup.links import validate_link
from luntan.markup.palette import NAMED_COLORS
from luntan.markup.sanitize import sanitize_html
from luntan.markup.smilies import SMILIES

CASES: list[dict[str, str]] = json.loads((Path(__file__).parent / "cases.json").read_text(encoding="utf-8"))

# A DOM node is (tag, attributes, children); a text node is a plain string.
Node = tuple[str, tuple[tuple[str, Any], ...], list[Any]]

_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"})
_TOKEN_LIST_ATTRS = frozenset({"class", "rel"})


class _TreeBuilder(HTMLParser):
    """Builds a small tag/attribute/text tree; enough for comparing our own output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Node = ("#root", (), [])
        self._stack: list[Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: Node = (tag, _attributes(attrs), [])
        self._stack[-1][2].append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1][2].append((tag, _attributes(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1][2].append(data)


def _attributes(attrs: list[tuple[str, str | None]]) -> tuple[tuple[str, Any], ...]:
    normalized: dict[str, Any] = {}
    for name, value in attrs:
        text = value or ""
        normalized[name] = tuple(sorted(text.split())) if name in _TOKEN_LIST_ATTRS else text
    return tuple(sorted(normalized.items()))


def _normalize(node: Node, *, in_pre: bool = False) -> Node:
    """Join adjacent text and ignore whitespace at text edges (outside <pre>)."""
    tag, attrs, children = node
    in_pre = in_pre or tag == "pre"
    result: list[Any] = []
    for child in children:
        if isinstance(child, str):
            if result and isinstance(result[-1], str):
                result[-1] += child
            else:
                result.append(child)
        else:
            result.append(_normalize(child, in_pre=in_pre))
    if not in_pre:
        result = [re.sub(r"\s+", " ", c).strip() if isinstance(c, str) else c for c in result]
        result = [c for c in result if c != ""]
    return (tag, attrs, result)


def dom(fragment: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return _normalize(builder.root)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case_renders_expected_dom(case: dict[str, str]) -> None:
    assert dom(cook(case["input"], fmt=case["format"])) == dom(case["expected"])


def test_cases_cover_every_bbcode_tag_and_both_formats() -> None:
    bbcode_inputs = " ".join(c["input"].lower() for c in CASES if c["format"] == "bbcode")
    for tag in "b i u s color size url img quote code list * align hr".split():
        assert f"[{tag}" in bbcode_inputs, tag
    assert {c["format"] for c in CASES} == set(FORMATS)
    assert len(CASES) >= 40
    assert len({c["name"] for c in CASES}) == len(CASES)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="html"):
        cook("<b>x</b>", fmt="html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_smiley_renders_as_emoji_span(fmt: str) -> None:
    source = " ".join(f":{name}:" for name in SMILIES)
    spans = [n for n in _walk(dom(cook(source, fmt=fmt))) if n[0] == "span"]
    assert [(dict(n[1])["title"], n[2]) for n in spans] == [
        (name, [emoji]) for name, emoji in SMILIES.items()
    ]
    assert all(dict(n[1])["class"] == ("smiley",) for n in spans)


@pytest.mark.parametrize("name", NAMED_COLORS)
def test_palette_colour_by_name_and_by_its_exact_hex(name: str) -> None:
    red, green, blue = NAMED_COLORS[name]
    expected = dom(f'<span class="color-{name}">字</span>')
    assert dom(cook(f"[color={name.upper()}]字[/color]", fmt="bbcode")) == expected
    assert dom(cook(f"[color=#{red:02x}{green:02x}{blue:02X}]字[/color]", fmt="bbcode")) == expected


def test_smilies_are_a_set_of_our_own() -> None:
    assert len(SMILIES) >= 12
    for name in ("微笑", "大笑", "哭", "赞", "汗", "怒", "晕", "酷"):
        assert name in SMILIES


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_sanitizing_cooked_html_again_changes_nothing(case: dict[str, str]) -> None:
    cooked = cook(case["input"], fmt=case["format"])
    assert sanitize_html(cooked) == cooked


@pytest.mark.parametrize(
    ("url", "image", "expected"),
    [
        ("https://example.com/a", False, "https://example.com/a"),
        ("  http://example.com  ", True, "http://example.com"),
        ("HTTPS://EXAMPLE.COM", True, "HTTPS://EXAMPLE.COM"),
        ("mailto:a@example.com", False, "mailto:a@example.com"),
        ("/t/1?page=2#floor-3", False, "/t/1?page=2#floor-3"),
        ("/media/a/猫.png?v=2", True, "/media/a/猫.png?v=2"),
        ("http://localhost/media/a.png", True, "http://localhost/media/a.png"),
        # An image is fetched with the reader's cookies: never another page of this site.
        ("/t/1?page=2#floor-3", True, None),
        ("/lang/en/?next=/", True, None),
        ("/media/", True, None),
        ("/media/../lang/en/", True, None),
        ("/media/%2e%2E/lang/en/", True, None),
        ("/media/.%2e/lang/en/", True, None),
        ("/media/..\\lang/en/", True, None),
        ("/media%2F../lang/en/", True, None),
        ("/mediax/a.png", True, None),
        ("http://localhost/lang/en/", True, None),
        ("HTTP://LocalHost./lang/en/", True, None),
        ("http://127.0.0.1:8000/thread/1/next/", True, None),
        ("https://someone@localhost/lang/en/", True, None),
        ("http://[::1]/lang/en/", True, None),
        ("http://[::1/lang/en/", True, None),
        ("http://ｌｏｃａｌｈｏｓｔ/lang/en/", True, None),
        ("http://local%68ost/lang/en/", True, None),
        ("http://2130706433/lang/en/", True, None),
        ("http://127.1/lang/en/", True, None),
        ("http://0x7f.0.0.1/lang/en/", True, None),
        ("http:/lang/en/", True, None),
        ("https:thread/1/next/", True, None),
        ("http:\\\\localhost/lang/en/", True, None),
        ("http:///lang/en/", True, None),
        ("https://1.2.3.4/a.png", True, "https://1.2.3.4/a.png"),
        ("https://例子.测试/猫.png", True, "https://例子.测试/猫.png"),
        ("mailto:a@example.com", True, None),
        ("//evil.example/x", False, None),
        ("/\\evil.example", False, None),
        ("/%2F/evil.example", False, None),
        ("javascript:alert(1)", False, None),
        ("JaVaScRiPt:alert(1)", False, None),
        ("java\tscript:alert(1)", False, None),
        ("\x01javascript:alert(1)", False, None),
        ("javascript&#58;alert(1)", False, None),
        ("javascript&colon;alert(1)", False, None),
        ("javascript%3Aalert(1)", False, None),
        ("vbscript:msgbox(1)", False, None),
        ("data:text/html;base64,PHNjcmlwdD4=", False, None),
        ("data:image/png;base64,iVBORw0KGgo=", True, None),
        ("ftp://example.com", False, None),
        ("example.com", False, None),
        ("#top", False, None),
        ("http:", False, None),
        ("https://example.com/" + "a" * 3000, False, None),
        ("", False, None),
    ],
)
def test_validate_link(url: str, image: bool, expected: str | None) -> None:
    assert validate_link(url, image=image) == expected


def test_relative_and_remote_images_keep_their_src() -> None:
    html = cook("[img]/media/a.png[/img][img]https://cdn.example.com/b.png[/img]", fmt="bbcode")
    sources = [dict(n[1])["src"] for n in _walk(dom(html)) if n[0] == "img"]
    assert sources == ["/media/a.png", "https://cdn.example.com/b.png"]


def _walk(node: Node) -> list[Node]:
    found: list[Node] = []
    for child in node[2]:
        if not isinstance(child, str):
            found.append(child)
            found.extend(_walk(child))
    return found
