"""A hostile corpus: every vector, in both formats, must cook to inert HTML.

The policy below is written out independently of luntan.markup.sanitize on purpose: if
the sanitizer's allowlist grows, these tests should make someone look.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from luntan.markup.cooking import FORMATS, cook
from luntan.markup.sanitize import sanitize_html

FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "style", "link", "meta", "base", "form", "input", "button", "textarea", "select",
        "template", "noscript", "video", "audio", "source", "details", "dialog",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "rel"}),
    "img": frozenset({"src", "alt", "title", "loading", "decoding"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
    "span": frozenset({"class", "title"}),
    "div": frozenset({"class"}),
    "th": frozenset({"class"}),
    "td": frozenset({"class"}),
}
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "u", "s", "del", "code", "pre", "blockquote", "cite",
        "ul", "ol", "li", "a", "img", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td", "span", "div",
    }
)  # fmt: skip
SAFE_CLASS = re.compile(r"smiley|size-[1-7]|color-[a-z]+|align-(left|center|right)|language-[\w+#-]+")

# fmt: off
VECTORS: list[tuple[str, str]] = [
    # javascript: in every link form
    ("md-link-js", "[x](javascript:alert(1))"),
    ("md-link-js-mixed-case", "[x](JaVaScRiPt:alert(1))"),
    ("md-link-js-angle", "[x](<javascript:alert(1)>)"),
    ("md-link-js-title", '[x](javascript:alert(1) "t")'),
    ("md-reference-js", "[x][r]\n\n[r]: javascript:alert(1)"),
    ("md-autolink-js", "<javascript:alert(1)>"),
    ("md-image-js", "![x](javascript:alert(1))"),
    ("md-image-data", "![x](data:image/png;base64,iVBORw0KGgo=)"),
    ("md-link-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    ("md-link-protocol-relative", "[x](//evil.example/)"),
    ("md-link-backslash", "[x](/\\evil.example/)"),
    ("bb-url-js", "[url]javascript:alert(1)[/url]"),
    ("bb-url-param-js", "[url=javascript:alert(1)]点我[/url]"),
    ("bb-url-param-quoted-js", '[url="javascript:alert(1)"]x[/url]'),
    ("bb-img-js", "[img]javascript:alert(1)[/img]"),
    ("bb-img-data", "[img]data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=[/img]"),
    ("bb-img-mailto", "[img]mailto:a@example.com[/img]"),
    # encoded and obfuscated schemes
    ("entity-decimal", "[x](javascript&#58;alert(1)) [url=javascript&#58;alert(1)]x[/url]"),
    ("entity-hex-padded", "[x](&#x6A;avascript&#x3A;alert(1)) [url]&#x6A;avascript&#x3A;alert(1)[/url]"),
    ("entity-named-colon", "[x](javascript&colon;alert(1)) [url=javascript&colon;alert(1)]x[/url]"),
    ("percent-scheme", "[x](javascript%3Aalert(1)) [url=javascript%3Aalert(1)]x[/url]"),
    ("percent-encoded-letters", "[x](%6Aavascript:alert(1)) [url]%6Aavascript:alert(1)[/url]"),
    ("tab-in-scheme", "[x](java\tscript:alert(1)) [url]java\tscript:alert(1)[/url]"),
    ("newline-in-scheme", "[url=java\nscript:alert(1)]x[/url]"),
    ("control-char-prefix", "[url]\x01javascript:alert(1)[/url] [x](\x01javascript:alert(1))"),
    ("escaped-tab-entity", "[x](java&#9;script:alert(1)) [url]java&#x09;script:alert(1)[/url]"),
    ("fullwidth-scheme", "[url]ｊａｖａｓｃｒｉｐｔ：alert(1)[/url]"),
    # raw HTML and event handlers
    ("script-tag", "<script>alert(1)</script>"),
    ("img-onerror", '<img src=x onerror="alert(1)">'),
    ("svg-onload", "<svg onload=alert(1)><circle/></svg>"),
    ("math-mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("style-expression", '<div style="width:expression(alert(1))">x</div>'),
    ("style-tag-import", "<style>@import 'http://evil.example/x.css';</style>"),
    ("form-action", '<form action="/accounts/logout"><button>x</button></form>'),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("comment-breakout", "<!--><img src=x onerror=alert(1)>-->"),
    # BBCode parameters trying to reach CSS or attributes
    ("bb-color-css-injection", "[color=red;background:url(javascript:alert(1))]x[/color]"),
    ("bb-color-quote-breakout", '[color=red" onmouseover="alert(1)]x[/color]'),
    ("bb-size-expression", "[size=expression(alert(1))]x[/size]"),
    ("bb-size-quote", '[size=3" style="position:fixed]x[/size]'),
    ("bb-align-breakout", '[align=center" onclick="alert(1)]x[/align]'),
    ("bb-url-quote-breakout", '[url=http://a.example/" onmouseover="alert(1)]x[/url]'),
    ("bb-img-quote-breakout", '[img]http://a.example/x.png" onerror="alert(1)[/img]'),
    ("bb-quote-name-breakout", '[quote="><script>alert(1)</script>]x[/quote]'),
    ("md-title-breakout", '[x](/a "\\" onmouseover=\\"alert(1)")'),
    ("md-alt-breakout", '![" onerror="alert(1)](/media/a.png)'),
    # images that would make every reader's browser call this site's own pages with their cookies
    ("bb-img-site-page", "[img]/lang/en/?next=/[/img]"),
    ("bb-img-site-action", "[img]/thread/1/next/[/img]"),
    ("md-img-site-page", "![x](/lang/en/)"),
    ("md-img-site-page-reference", "![x][r]\n\n[r]: /thread/1/next/"),
    ("bb-img-site-host", "[img]http://localhost/lang/en/[/img] [img]http://127.0.0.1:8000/thread/1/next/[/img]"),
    ("md-img-site-host", "![x](HTTP://LOCALHOST./lang/en/) ![y](https://someone@localhost/thread/1/next/)"),
    ("img-site-host-ipv6", "[img]http://[::1]/lang/en/[/img] ![x](http://[::1]/lang/en/)"),
    ("img-upload-dot-segments", "[img]/media/../lang/en/[/img] ![x](/media/%2e%2E/thread/1/next/)"),
    ("img-upload-backslash", "[img]/media/..\\lang/en/[/img] ![x](/media/.%2e\\thread/1/next/)"),
    ("img-site-host-spelled-otherwise",
     "[img]http://ｌｏｃａｌｈｏｓｔ/lang/en/[/img] ![x](http://2130706433/lang/en/) [img]http://127.1/lang/en/[/img]"),
    ("img-scheme-without-host", "[img]http:/lang/en/[/img] ![x](https:thread/1/next/) [img]http:\\\\localhost/x[/img]"),
    ("img-in-link-site-page", "[url=/thread/1/][img]/thread/1/next/[/img][/url] [![x](/lang/en/)](/thread/1/)"),
    # htmx and data attributes
    ("hx-get", '<a hx-get="/accounts/logout" hx-trigger="load">x</a>'),
    ("data-hx-post", '<div data-hx-post="/credits/transfer" data-hx-trigger="load">x</div>'),
    ("hx-on", '<span hx-on:click="alert(1)">x</span>'),
    ("id-clobbering", '<img name="csrfmiddlewaretoken" id="htmx-config" src="/a.png">'),
    # nested tag confusion
    ("bb-url-nested-in-url", "[url=http://a.example][url=javascript:alert(1)]x[/url][/url]"),
    ("bb-code-inside-url", "[url=http://a.example][code]</a><script>alert(1)</script>[/code][/url]"),
    ("bb-misnested-blocks", "[b][quote][url=http://a.example][list][*][i]x[/b][/url][/quote][/i]"),
    ("bb-tags-building-html", "[<script]alert(1)[/<script] <[b]script[/b]>alert(1)</script>"),
    ("md-bbcode-mix", "[url=javascript:alert(1)]**x**[/url] [x](javascript:alert(1))"),
    ("md-link-in-code", "`<img src=x onerror=alert(1)>` [x](`javascript:alert(1)`)"),
    ("smiley-in-attribute", '[url=http://a.example/:微笑:]:微笑:[/url] [x](/a ":微笑:")'),
    ("table-cell-html", "| <script>alert(1)</script> |\n|---|\n| <img src=x onerror=alert(1)> |"),
]
# fmt: on


@dataclass
class _Element:
    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(_Element(tag, [(name, value or "") for name, value in attrs]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


# The test settings' own hosts (ALLOWED_HOSTS, and "testserver" that Django's test runner adds).
_OWN_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "testserver"})
# Another site, plainly spelled: letters in its last label (no number a browser reads as an address),
# ASCII only (no letters a browser maps onto ours).
_OTHER_SITE = re.compile(r"https?://(?:[^/?#@]*@)?([a-z0-9.-]*[a-z][a-z0-9-]*\.?)(?::\d+)?(?:[/?#]|$)", re.I)


def _is_upload(path: str) -> bool:
    return (path.startswith("/media/") and "\\" not in path
            and not re.search(r"/(\.|%2e){1,2}(/|$)", path, re.I))


def _url_is_allowed(url: str, *, image: bool) -> bool:
    if re.search(r"[\x00-\x20\x7f]", url):
        return False
    if image:
        # Another site's image or one of our uploads; a page of this site never (its reader's browser
        # would call it with their cookies).
        if not url.lower().startswith(("http:", "https:")):
            return _is_upload(url)
        other = _OTHER_SITE.match(url)
        if other is None:
            return False
        if other.group(1).lower().rstrip(".") in _OWN_HOSTS:
            return _is_upload(re.sub(r"^https?://[^/?#]*", "", url))
        return True
    schemes = ("http:", "https:", "mailto:")
    if url.lower().startswith(schemes):
        return True
    return url.startswith("/") and not url.startswith(("//", "/\\"))


def assert_inert(html: str) -> None:
    """The output properties every cooked post must have, whatever went in."""
    for element in _parse(html).elements:
        assert element.tag not in FORBIDDEN_TAGS, (element, html)
        assert element.tag in ALLOWED_TAGS, (element, html)
        for name, value in element.attrs:
            assert not name.startswith("on"), (element, html)
            assert not name.startswith(("hx-", "data-")), (element, html)
            assert name in ALLOWED_ATTRIBUTES.get(element.tag, frozenset()), (element, html)
            if name in ("href", "src"):
                assert _url_is_allowed(value, image=element.tag == "img"), (element, html)
            if name == "class":
                assert all(SAFE_CLASS.fullmatch(c) for c in value.split()), (element, html)
            if name == "rel":
                assert value == "nofollow ugc noopener", (element, html)
    # Belt and braces against a parser disagreement: no handler-looking attribute name in
    # the raw markup either (text and quoted values, where "onerror=" is harmless, removed).
    assert "<script" not in html.lower()
    assert re.search(r"\son[a-z]+\s*=", _bare_markup(html)) is None, html


def _bare_markup(html: str) -> str:
    # Our serializer always double-quotes values; a value may itself contain ">".
    tags = re.findall(r'<[A-Za-z/][^>"]*(?:"[^"]*"[^>"]*)*>', html)
    return "".join(re.sub(r'"[^"]*"', '""', tag) for tag in tags)


def test_corpus_is_big_enough() -> None:
    assert len(VECTORS) >= 40
    assert len({name for name, _ in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", [v[1] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_hostile_input_cooks_to_inert_html(source: str, fmt: str) -> None:
    cooked = cook(source, fmt=fmt)
    assert_inert(cooked)
    # Stable under a second pass: what the browser re-parses is what the sanitizer saw.
    assert sanitize_html(cooked) == cooked


@pytest.mark.parametrize("fmt", FORMATS)
def test_typed_script_is_shown_as_text(fmt: str) -> None:
    parsed = _parse(cook("<script>alert(1)</script>", fmt=fmt))
    assert parsed.elements == [] or [e.tag for e in parsed.elements] == ["p"]
    assert "".join(parsed.text).strip() == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("source", "fmt"),
    [
        ("[url=javascript:alert(1)]点我[/url]", "bbcode"),
        ("[img]javascript:alert(1)[/img]", "bbcode"),
        ("[x](javascript:alert(1))", "markdown"),
        ("![x](mailto:a@example.com)", "markdown"),
    ],
)
def test_rejected_url_renders_as_plain_text(source: str, fmt: str) -> None:
    parsed = _parse(cook(source, fmt=fmt))
    assert [e.tag for e in parsed.elements if e.tag != "p"] == []
    assert "".join(parsed.text).strip() == source


# Pathological input at the 50,000-character cap: each must return quickly and stay inert.
# The budget is deliberately generous (slow CI machines); real runs take a fraction of it.
_CAP = 50_000
PATHOLOGICAL: list[tuple[str, str]] = [
    ("bbcode", "[b]" * (_CAP // 3)),
    ("bbcode", "[quote]" * 3333 + "深" + "[/quote]" * 3333),
    ("bbcode", "[b][i][u][s]" * 8 + "[/b]" * (_CAP // 4)),
    ("bbcode", "[img]" * (_CAP // 5)),
    ("bbcode", "[code]" * (_CAP // 6)),
    ("bbcode", "[url]" * (_CAP // 5)),
    ("bbcode", "[color=" * (_CAP // 7)),
    ("bbcode", "[list]" + "[*]" * (_CAP // 3)),
    ("bbcode", "[quote][list][*]" * (_CAP // 16)),
    ("bbcode", ":微笑:" * (_CAP // 4)),
    ("markdown", "*" * _CAP),
    ("markdown", "_a" * (_CAP // 2)),
    ("markdown", ">" * _CAP),
    ("markdown", "[" * _CAP),
    ("markdown", "![[" * (_CAP // 3)),
    ("markdown", "- " * (_CAP // 2)),
    ("markdown", "`" * _CAP),
    ("markdown", "[a](" * (_CAP // 4)),
    ("markdown", ":微笑:" * (_CAP // 4)),
]


@pytest.mark.parametrize(("fmt", "source"), PATHOLOGICAL, ids=[f"{f}-{s[:12]!r}" for f, s in PATHOLOGICAL])
def test_pathological_input_is_fast_and_inert(fmt: str, source: str) -> None:
    # A guard against a blow-up (super-linear work on 50,000 hostile characters takes minutes), not a speed
    # measurement: CPU time of this process, not the wall clock, with room for a busy CI machine (the worst
    # case, markdown's nested image brackets, takes 1-2 s of CPU there). Speed is `make bench`'s job.
    started = time.process_time()
    html = cook(source, fmt=fmt)
    elapsed = time.process_time() - started
    assert_inert(html)
    assert elapsed < 6.0, f"{elapsed:.2f}s"


def test_deep_nesting_is_bounded() -> None:
    html = cook("[quote]" * 1000 + "深" + "[/quote]" * 1000, fmt="bbcode")
    assert html.count("<blockquote>") <= 16
    assert_inert(html)
