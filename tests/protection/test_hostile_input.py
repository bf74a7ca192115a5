"""The hostile-input suite: every vector below goes in wherever a member (or a moderator) can put text, and
every page (and feed) where that text comes out is parsed and checked, element by element, for what must
never be there: a script of ours it is not, an event handler, an htmx attribute from the text, a link or
source with a scheme other than http(s)/mailto, a style attribute or element, an active element (iframe,
object, svg ...), a direction control or zero-width character that is not neutralised.

The places: thread title, post body (BBCode and Markdown) and its preview, signature (BBCode and Markdown,
under floors and on its settings page), member name, the board
list, the home page, 最新帖子 and its Atom feeds, search hits and their snippets, notices (a moderator's
reason, a warning, a report's outcome), the moderation log, the reports queue (report text), the 小黑屋
(ban reasons), the check-in sentence, the member list and profile, a poll's options (thread page and voter list),
博客 (post, comment, category).

The policy is written out here, not imported from luntan.markup: if a page starts to allow more, this
suite should make someone look. luntan.markup's own corpus (tests/markup/test_hostile.py) checks cooked
HTML alone; this one checks the pages."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from factories import MemberFactory
from helpers import signed_in

from luntan.accounts import services as accounts
from luntan.accounts.models import Member, MemberGroup
from luntan.bans import services as bans
from luntan.checkin import services as checkin
from luntan.forum import services as forum
from luntan.forum.models import Floor
from luntan.letters import services as letters
from luntan.moderation import services as moderation
from luntan.protection import words
from luntan.protection.models import WatchedWord
from luntan.reports import services as reports

pytestmark = pytest.mark.django_db

# --- The policy, on the parsed DOM ---------------------------------------------------------------------------------

ACTIVE_TAGS = frozenset({
    "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base", "style", "template",
    "noscript", "video", "audio", "source", "portal", "dialog", "marquee", "isindex", "xmp", "plaintext",
    "animate", "set", "use", "foreignobject", "mglyph", "maction", "image",
})  # fmt: skip
# What a post body (div.content) may hold: the sanitizer's allowlist, written out again.
CONTENT_TAGS = frozenset({
    "p", "br", "strong", "em", "u", "s", "del", "code", "pre", "blockquote", "cite", "ul", "ol", "li", "a",
    "img", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
})  # fmt: skip
CONTENT_ATTRIBUTES = frozenset({"href", "title", "rel", "src", "alt", "loading", "decoding", "start", "class"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
                            "cite", "srcset", "ping", "codebase", "longdesc", "manifest", "icon"})
# Direction controls: embeddings, overrides, isolates, marks.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u2060\ufeff\u180e")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
MARKER = re.compile(r"xss|evil|alert|javascript|vbscript", re.I)


@dataclass
class Node:
    tag: str
    attrs: list[tuple[str, str]]
    path: tuple[str, ...]  # the (last four) tags above it
    in_content: bool  # inside a post body (class "content"), where only the sanitizer's output may be
    isolated: bool  # inside <bdi> or an element with dir=


@dataclass
class Page:
    nodes: list[Node] = field(default_factory=list)
    texts: list[tuple[str, bool, tuple[str, ...]]] = field(default_factory=list)  # (text, isolated, path)
    script_texts: list[str] = field(default_factory=list)


class _Walker(HTMLParser):
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                      "track", "wbr", "param", "keygen", "image"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in_content, isolated)

    def handle_starttag(self, tag, attrs) -> None:
        attrs = [(name, value or "") for name, value in attrs]
        in_content = bool(self.stack and self.stack[-1][1])
        isolated = bool(self.stack and self.stack[-1][2])
        node = Node(tag, attrs, tuple(t for t, _c, _i in self.stack[-4:]), in_content, isolated)
        self.page.nodes.append(node)
        if tag in self.VOID:
            return
        classes = dict(attrs).get("class", "").split()
        self.stack.append((tag, in_content or "content" in classes,
                           isolated or tag == "bdi" or any(n == "dir" for n, _v in attrs)))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data) -> None:
        if self.stack and self.stack[-1][0] == "script":
            self.page.script_texts.append(data)
        isolated = bool(self.stack and self.stack[-1][2])
        self.page.texts.append((data, isolated, tuple(t for t, _c, _i in self.stack[-4:])))

    def handle_comment(self, data) -> None:
        pass


def parse(document: str) -> Page:
    walker = _Walker()
    walker.feed(document)
    walker.close()
    return walker.page


def _url_ok(value: str) -> bool:
    # As a browser reads it: leading and trailing spaces and controls dropped, tabs and newlines removed.
    url = re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"
                                                "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    found = SCHEME.match(url.lower())
    if found is None:
        # A relative address; one whose first segment only looks like a scheme once decoded is refused too.
        decoded = unquote(url).lower().strip()
        return not SCHEME.match(decoded) or SCHEME.match(decoded).group(1) in ("http", "https", "mailto")
    return found.group(1) in ("http", "https", "mailto")


def problems(document: str, *, where: str) -> list[str]:
    """Everything on the page that breaks the policy, described."""
    page = parse(document)
    found: list[str] = []
    for node in page.nodes:
        attrs = dict(node.attrs)
        label = f"{where}: <{node.tag} {node.attrs}> under {'/'.join(node.path[-4:])}"
        if node.tag == "script":
            if not attrs.get("src", "").startswith("/static/") or set(attrs) - {"src", "defer", "type", "nonce"}:
                found.append(f"foreign script {label}")
        if node.tag in ACTIVE_TAGS:
            found.append(f"active element {label}")
        if node.tag == "meta" and "http-equiv" in attrs:
            found.append(f"meta http-equiv {label}")
        if node.tag == "link" and not attrs.get("href", "").startswith(("/static/", "/latest/feed/", "/digest/feed/",
                                                                          "/board/", "/blog/u/")):
            found.append(f"foreign link element {label}")
        if node.in_content and node.tag not in CONTENT_TAGS:
            found.append(f"tag not allowed in a post {label}")
        for name, value in node.attrs:
            lower = name.lower()
            if lower.startswith("on"):
                found.append(f"event handler {lower} {label}")
            if lower in ("style", "srcdoc") or lower.startswith("xmlns"):
                found.append(f"attribute {lower} {label}")
            if lower.startswith(("hx-", "data-hx-")):
                if node.in_content or lower.startswith(("hx-on", "data-hx-on")) or MARKER.search(value):
                    found.append(f"htmx attribute from the text {lower} {label}")
            if node.in_content and (lower not in CONTENT_ATTRIBUTES or lower.startswith("data-")):
                found.append(f"attribute not allowed in a post {lower} {label}")
            if lower in URL_ATTRIBUTES and value and not _url_ok(value):
                found.append(f"scheme in {lower}={value!r} {label}")
            if lower in ("id", "name") and node.in_content:
                found.append(f"clobbering {lower} {label}")
            if BIDI & set(value):
                found.append(f"direction control in attribute {lower} {label}")
    for text, isolated, path in page.texts:
        if BIDI & set(text) and not isolated:
            found.append(f"{where}: direction control not neutralised in {text[:60]!r} under {'/'.join(path[-4:])}")
        if ZERO_WIDTH & set(text):
            found.append(f"{where}: zero-width character in {text[:60]!r} under {'/'.join(path[-4:])}")
    for text in page.script_texts:
        if text.strip():
            found.append(f"{where}: inline script {text[:80]!r}")
    return found


def feed_problems(document: bytes, *, where: str) -> list[str]:
    """An Atom feed: well-formed XML whose entries' HTML (the summary/content) keeps the same policy."""
    root = ET.fromstring(document)  # noqa: S314 - our own output
    found = []
    for element in root.iter():
        text = element.text or ""
        if element.get("type") == "html":
            found += problems(text, where=f"{where} {element.tag}")
        elif BIDI & set(text) or ZERO_WIDTH & set(text):
            found.append(f"{where}: control in {element.tag} {text[:60]!r}")
        for name, value in element.attrib.items():
            if name == "href" and not _url_ok(value):
                found.append(f"{where}: scheme in feed link {value!r}")
    return found


# --- The corpus -----------------------------------------------------------------------------------------------

# fmt: off
VECTORS: list[tuple[str, str]] = [
    # link schemes, Markdown
    ("md-js", "[点我](javascript:alert('xss'))"),
    ("md-js-case", "[点我](JaVaScRiPt:alert('xss'))"),
    ("md-js-angle", "[点我](<javascript:alert('xss')>)"),
    ("md-js-space-prefix", "[点我]( javascript:alert('xss'))"),
    ("md-js-entity-colon", "[点我](javascript&#58;alert('xss'))"),
    ("md-js-entity-hex", "[点我](&#x6A;avascript&#x3A;alert('xss'))"),
    ("md-js-entity-padded", "[点我](&#0000106;avascript:alert('xss'))"),
    ("md-js-named-colon", "[点我](javascript&colon;alert('xss'))"),
    ("md-js-tab-entity", "[点我](java&#9;script:alert('xss'))"),
    ("md-js-newline-entity", "[点我](java&#10;script:alert('xss'))"),
    ("md-js-percent", "[点我](javascript%3Aalert('xss'))"),
    ("md-js-zero-width", "[点我](java\u200bscript:alert('xss'))"),
    ("md-js-reference", "[点我][r]\n\n[r]: javascript:alert('xss')"),
    ("md-js-autolink", "<javascript:alert('xss')>"),
    ("md-js-image", "![图](javascript:alert('xss'))"),
    ("md-data-html", "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=)"),
    ("md-data-image-svg", "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("md-vbscript", "[点我](vbscript:msgbox('xss'))"),
    ("md-vbscript-case", "[点我](VBScript:msgbox('xss'))"),
    ("md-file", "[点我](file:///etc/passwd#xss)"),
    ("md-js-title-breakout", '[点我](/a "\\" onmouseover=\\"alert(\'xss\')")'),
    ("md-alt-breakout", "![\" onerror=\"alert('xss')](/media/a.png)"),
    # link schemes, BBCode
    ("bb-url-js", "[url]javascript:alert('xss')[/url]"),
    ("bb-url-param-js", "[url=javascript:alert('xss')]点我[/url]"),
    ("bb-url-js-case", "[url=JAVASCRIPT:alert('xss')]点我[/url]"),
    ("bb-url-quoted-js", "[url=\"javascript:alert('xss')\"]点我[/url]"),
    ("bb-url-single-quoted-js", "[url='javascript:alert(1)//xss']点我[/url]"),
    ("bb-url-entity-js", "[url=javascript&#58;alert('xss')]点我[/url]"),
    ("bb-url-hex-entity-js", "[url]&#x6A;avascript&#x3A;alert('xss')[/url]"),
    ("bb-url-tab-js", "[url]java\tscript:alert('xss')[/url]"),
    ("bb-url-newline-js", "[url=java\nscript:alert('xss')]点我[/url]"),
    ("bb-url-control-js", "[url]\x01javascript:alert('xss')[/url]"),
    ("bb-url-fullwidth-js", "[url]ｊａｖａｓｃｒｉｐｔ：alert('xss')[/url]"),
    ("bb-url-data", "[url=data:text/html,<script>alert('xss')</script>]点我[/url]"),
    ("bb-url-vbscript", "[url=vbscript:msgbox('xss')]点我[/url]"),
    ("bb-img-js", "[img]javascript:alert('xss')[/img]"),
    ("bb-img-data-svg", "[img]data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+[/img]"),
    ("bb-img-vbscript", "[img]vbscript:msgbox('xss')[/img]"),
    ("bb-email-js", "[email]javascript:alert('xss')[/email]"),
    ("bb-url-nested-js", "[url=http://a.example][url=javascript:alert('xss')]点我[/url][/url]"),
    # attribute breakouts
    ("bb-url-quote-breakout", "[url=http://a.example/\" onmouseover=\"alert('xss')]点我[/url]"),
    ("bb-img-quote-breakout", "[img]http://a.example/x.png\" onerror=\"alert('xss')[/img]"),
    ("bb-color-breakout", "[color=red\" onmouseover=\"alert('xss')]字[/color]"),
    ("bb-color-css", "[color=red;background:url(javascript:alert('xss'))]字[/color]"),
    ("bb-size-css", "[size=7;position:fixed;top:0]xss[/size]"),
    ("bb-size-breakout", "[size=3\" style=\"position:fixed]xss[/size]"),
    ("bb-align-breakout", "[align=center\" onclick=\"alert('xss')]字[/align]"),
    ("bb-quote-name-breakout", "[quote=\"><script>alert('xss')</script>]引用[/quote]"),
    ("bb-quote-name-hx", "[quote=x\" hx-get=\"/evil\" hx-trigger=\"load]引用[/quote]"),
    ("bb-code-lang-breakout", "[code=\"><img src=x onerror=alert('xss')>]x[/code]"),
    ("html-attr-breakout", "\"><img src=x onerror=alert('xss')>"),
    ("html-single-quote-breakout", "'><svg/onload=alert('xss')>"),
    ("html-unquoted-breakout", "x onmouseover=alert('xss') y"),
    ("md-code-breakout", "`</code><script>alert('xss')</script>`"),
    # raw HTML
    ("script", "<script>alert('xss')</script>"),
    ("script-upper", "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>"),
    ("script-split", "<scr<script>ipt>alert('xss')</scr</script>ipt>"),
    ("img-onerror", "<img src=x onerror=\"alert('xss')\">"),
    ("body-onload", "<body onload=alert('xss')>"),
    ("iframe-js", "<iframe src=\"javascript:alert('xss')\"></iframe>"),
    ("iframe-srcdoc", "<iframe srcdoc=\"<script>alert('xss')</script>\"></iframe>"),
    ("object-data", "<object data=\"javascript:alert('xss')\"></object>"),
    ("embed-src", "<embed src=\"data:text/html,<script>alert('xss')</script>\">"),
    ("form-action", "<form action=\"javascript:alert('xss')\"><button>xss</button></form>"),
    ("button-formaction", "<button formaction=\"javascript:alert('xss')\">xss</button>"),
    ("meta-refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss')\">"),
    ("base-href", "<base href=\"javascript:alert('xss')//\">"),
    ("link-stylesheet", "<link rel=stylesheet href=\"http://evil.example/xss.css\">"),
    ("style-tag", "<style>body{background:url(\"javascript:alert('xss')\")}</style>"),
    ("style-attribute", "<p style=\"position:fixed;top:0;left:0;width:100%;height:100%\">xss</p>"),
    ("style-expression", "<div style=\"width:expression(alert('xss'))\">x</div>"),
    ("a-href-js", "<a href=\"javascript:alert('xss')\">点我</a>"),
    ("a-href-entity-js", "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert('xss')\">点我</a>"),
    ("details-ontoggle", "<details open ontoggle=alert('xss')>"),
    ("input-autofocus", "<input autofocus onfocus=alert('xss')>"),
    ("video-source", "<video><source onerror=\"alert('xss')\"></video>"),
    ("marquee", "<marquee onstart=alert('xss')>xss</marquee>"),
    ("id-clobber", "<img name=\"csrfmiddlewaretoken\" id=\"htmx-config\" src=\"/a.png\">"),
    # SVG and MathML
    ("svg-onload", "<svg onload=alert('xss')><circle r=1 /></svg>"),
    ("svg-animate", "<svg><animate attributeName=href to=javascript:alert('xss') /><a><text>x</text></a></svg>"),
    ("svg-use", "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><a>xss</a></svg>#x\"/></svg>"),
    ("svg-script", "<svg><script>alert('xss')</script></svg>"),
    ("svg-xlink", "<svg><a xlink:href=\"javascript:alert('xss')\"><text>x</text></a></svg>"),
    ("svg-foreignobject", "<svg><foreignObject><iframe src=javascript:alert('xss')></iframe></foreignObject></svg>"),
    ("math-href", "<math href=\"javascript:alert('xss')\">xss</math>"),
    ("math-maction", "<math><maction actiontype=statusline xlink:href=javascript:alert('xss')>x</maction></math>"),
    ("math-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')>"),
    # mutation XSS shapes
    ("mxss-noscript", "<noscript><p title=\"</noscript><img src=x onerror=alert('xss')>\">"),
    ("mxss-style-in-svg", "<svg><style><img src=x onerror=alert('xss')></style></svg>"),
    ("mxss-template", "<template><script>alert('xss')</script></template>"),
    ("mxss-template-nested", "<template><template><img src=x onerror=alert('xss')></template></template>"),
    ("mxss-comment", "<!--><img src=x onerror=alert('xss')>-->"),
    ("mxss-comment-bang", "<!--!><img src=x onerror=alert('xss')>-->"),
    ("mxss-cdata", "<svg><![CDATA[><img src=x onerror=alert('xss')>]]></svg>"),
    ("mxss-textarea", "<textarea></textarea><img src=x onerror=alert('xss')>"),
    ("mxss-xmp", "<xmp><p title=\"</xmp><img src=x onerror=alert('xss')>\">"),
    ("mxss-title", "<title><img src=x onerror=alert('xss')></title>"),
    ("mxss-select-style", "<select><style></select><img src=x onerror=alert('xss')></style>"),
    ("mxss-table-form", "<table><form><tr><td><img src=x onerror=alert('xss')></td></tr></form></table>"),
    ("mxss-backtick", "<img src=`x`onerror=alert('xss')>"),
    ("mxss-slash-attr", "<img/src=x/onerror=alert('xss')>"),
    ("mxss-null-attr", "<img src=x o\x00nerror=alert('xss')>"),
    # htmx attributes
    ("hx-get-load", "<div hx-get=\"/evil\" hx-trigger=\"load\">xss</div>"),
    ("hx-post", "<a hx-post=\"/accounts/logout/?xss\">点我</a>"),
    ("hx-on-colon", "<p hx-on:click=\"alert('xss')\">x</p>"),
    ("hx-on-double-colon", "<p hx-on::load=\"alert('xss')\">x</p>"),
    ("hx-on-dash", "<p hx-on-click=\"alert('xss')\">x</p>"),
    ("data-hx-get", "<div data-hx-get=\"/evil\" data-hx-trigger=\"load\">xss</div>"),
    ("data-hx-on", "<div data-hx-on:click=\"alert('xss')\">xss</div>"),
    ("hx-vals-headers", "<form hx-post=\"/evil\" hx-vals='{\"x\":\"xss\"}' hx-headers='{\"X\":\"xss\"}'>x</form>"),
    ("hx-boost", "<div hx-boost=\"true\"><a href=\"/evil\">xss</a></div>"),
    ("hx-in-bbcode-url", "[url=/x\" hx-get=\"/evil\" hx-trigger=\"load]点我[/url]"),
    ("hx-in-md-title", "[点我](/x \"t\\\" hx-get=\\\"/evil\")"),
    ("hx-text-only", "hx-get=\"/evil\" hx-trigger=\"load\" xss"),
    # Unicode direction tricks and zero-width characters
    ("rlo-filename", "看图\u202egpj.exe xss"),
    ("rlo-pdf", "甲\u202e乙丙\u202c丁 xss"),
    ("lre-rle", "\u202a左\u202b右\u202c xss"),
    ("isolates", "\u2066左\u2069\u2067右\u2069\u2068中\u2069 xss"),
    ("marks", "\u200e左\u200f右\u061c xss"),
    ("rlo-in-link-text", "[url=http://a.example/]\u202egnp.exe[/url] xss"),
    ("rlo-in-md-link", "[\u202egnp.exe](http://a.example/) xss"),
    ("zero-width-space", "零\u200b宽\u200b空\u200b格 xss"),
    ("zero-width-bom-joiner", "\ufeff零\u2060宽 xss"),
    ("zero-width-in-scheme", "[url]java\u200bscript:alert('xss')[/url]"),
    ("mongolian-separator", "零\u180e宽 xss"),
    # entity and encoding tricks
    ("double-escaped", "&lt;script&gt;alert('xss')&lt;/script&gt;"),
    ("entity-script", "&#60;script&#62;alert('xss')&#60;/script&#62;"),
    ("percent-script", "%3Cscript%3Ealert('xss')%3C/script%3E"),
    ("utf7", "+ADw-script+AD4-alert('xss')+ADw-/script+AD4-"),
    ("jinja-template", "{{ request.user.password }} {% debug %} {{7*7}} xss"),
    ("bb-template-syntax", "[url={{csrf_token}}]xss[/url]"),
]
# fmt: on

assert len(VECTORS) >= 100 and len({name for name, _v in VECTORS}) == len(VECTORS)
MARK = "标记词"  # what the search finds, just before each vector in the bodies
HELD = "待审核内容"  # a watched word set to "hold": the reply with it waits for approval


# --- Putting a vector everywhere -----------------------------------------------------------------------------------

@dataclass
class World:
    board: object
    thread_id: int | None
    author: Member
    other: Member
    named: Member | None  # a member who took the vector as a name, when it was allowed
    moderator: Member
    refused: dict[str, str]  # place -> why the text was refused there (refusing is a fine answer)
    poll: object = None  # a thread whose poll has the vector as an option (luntan.polls), voted on
    conversation_id: int | None = None  # 短消息 between the author and the other member


def _attempt(refused: dict, place: str, write):
    try:
        return write()
    except (ValidationError, PermissionDenied) as error:
        refused[place] = " ".join(getattr(error, "messages", [str(error)]))
        return None


def plant(vector: str, *, board, author, other, moderator, capture) -> World:
    """Puts `vector` in every place member or moderator text goes, through the services (as the forms do)."""
    refused: dict[str, str] = {}
    with capture(execute=True):
        opening = _attempt(refused, "thread", lambda: forum.thread_create(
            author=author, board=board, title=vector[:80], source=f"{MARK} {vector}", fmt="bbcode"))
        if opening is None:  # a title that cleans to nothing: the body is still worth trying
            opening = _attempt(refused, "thread-body", lambda: forum.thread_create(
                author=author, board=board, title="标题", source=f"{MARK} {vector}", fmt="bbcode"))
        thread = opening.thread if opening is not None else None
        if thread is not None:
            _attempt(refused, "reply-markdown", lambda: forum.post_reply(
                author=other, thread=thread, source=f"{MARK} {vector}", fmt="markdown"))
            # Held by a watched word: it waits in the moderators' approval queue.
            _attempt(refused, "reply-held", lambda: forum.post_reply(
                author=other, thread=thread, source=f"{HELD} {vector}", fmt="markdown"))
            gone = _attempt(refused, "reply-deleted", lambda: forum.post_reply(
                author=other, thread=thread, source=f"删掉的 {vector}", fmt="bbcode"))
            if gone is not None:  # in the recycle bin
                forum.floor_delete(member=moderator, floor=gone, reason=vector[:200])
            _attempt(refused, "report", lambda: reports.report_create(
                reporter=other, floor=opening, reason="other", text=vector[:200]))
        # A signature in Markdown by a member whose group may post links and images, under their reply (before
        # the renamed member's, whose name the home page shows as the last poster).
        signer = MemberFactory(group=MemberGroup.objects.get(role=MemberGroup.Role.VETERAN))
        signed = _attempt(refused, "signature-markdown", lambda: accounts.member_signature_set(
            member=signer, signature=vector[:200], fmt="markdown"))
        if signed is not None and thread is not None:
            _attempt(refused, "reply-with-signature", lambda: forum.post_reply(
                author=signer, thread=thread, source="签名测试", fmt="bbcode"))
        named = MemberFactory()
        if _attempt(refused, "name", lambda: accounts.member_rename(member=named, username=vector[:20])) is None:
            named = None
        elif thread is not None:
            _attempt(refused, "reply-by-name", lambda: forum.post_reply(author=named, thread=thread, source="顶",
                                                                         fmt="bbcode"))
        _attempt(refused, "signature", lambda: accounts.member_signature_set(member=author, signature=vector[:200]))
        _attempt(refused, "checkin", lambda: checkin.checkin_sign(member=author, mood="kx", sentence=vector[:50]))
        from luntan.blog import services as blog

        category = _attempt(refused, "blog-category", lambda: blog.blog_category_create(owner=author, name=vector[:20]))
        post = _attempt(refused, "blog-post", lambda: blog.blog_post_create(
            author=author, title=vector[:80], source=f"{MARK} {vector}", fmt="markdown", visibility="public",
            category_id=category.pk if category is not None else None))
        if post is None:
            post = _attempt(refused, "blog-post-body", lambda: blog.blog_post_create(
                author=author, title="日志", source=f"{MARK} {vector}", fmt="bbcode", visibility="public"))
        if post is not None:
            _attempt(refused, "blog-comment", lambda: blog.blog_comment_create(
                author=other, post_id=post.pk, source=f"{MARK} {vector}", fmt="bbcode"))
        _attempt(refused, "warning", lambda: bans.warning_create(actor=moderator, member=author, reason=vector[:200],
                                                                floor=opening))
        poll = _attempt(refused, "poll", lambda: _poll_with(vector, board=board, author=author, other=other))
        talk = _attempt(refused, "message", lambda: letters.conversation_start(
            author=author, recipients=other.username, title=vector[:80], source=f"{MARK} {vector}", fmt="bbcode"))
        if talk is None:  # a title that cleans to nothing: the text is still worth trying
            talk = _attempt(refused, "message-body", lambda: letters.conversation_start(
                author=author, recipients=other.username, title="标题", source=f"{MARK} {vector}", fmt="bbcode"))
        if talk is not None:
            _attempt(refused, "message-markdown", lambda: letters.letter_reply(
                author=other, conversation=talk.conversation, source=f"{MARK} {vector}", fmt="markdown"))
    return World(board=board, thread_id=thread.pk if thread else None, author=author, other=other, named=named,
                 moderator=moderator, refused=refused, poll=poll,
                 conversation_id=talk.conversation_id if talk else None)


def _poll_with(vector: str, *, board, author, other):
    """A thread whose poll has the vector as an option, with a public voter list, voted on by `other`."""
    from luntan.polls import services as polls

    spec = polls.clean_poll(options=[vector[:80], "另一个选项"], multiple=True, max_choices=2, ends_at=None,
                            results_after_vote=False, public_voters=True)
    floor = forum.thread_create(author=author, board=board, title="投票", source="投票",
                                fmt="bbcode", extras=[lambda f: polls.poll_create(floor=f, spec=spec)])
    poll = floor.thread.poll
    polls.poll_vote(member=other, poll_id=poll.pk, option_ids=list(poll.options.values_list("pk", flat=True)))
    return poll


def pages(world: World, vector: str, capture) -> list[tuple[str, object]]:
    """Every page where the planted text comes out, as (name, response); the moderation steps that need the
    report still open come first."""
    guest, author, other, mod = Client(), signed_in(world.author), signed_in(world.other), signed_in(world.moderator)
    got = [("reports queue", mod.get("/reports/"))]
    if world.thread_id is not None:
        opening = Floor.objects.get(thread_id=world.thread_id, number=1)
        with capture(execute=True):
            _attempt(world.refused, "settle", lambda: reports.report_settle(
                moderator=world.moderator, floor=opening, outcome="handled", note=vector[:200]))
            _attempt(world.refused, "lock", lambda: moderation.thread_lock(
                member=world.moderator, thread=opening.thread, locked=True, reason=vector, tell_author=True))
            _attempt(world.refused, "digest", lambda: moderation.thread_digest(
                member=world.moderator, thread=opening.thread, level=1, reason=vector[:200]))
        got += [("thread", guest.get(f"/thread/{world.thread_id}/")),
                ("thread as moderator", mod.get(f"/thread/{world.thread_id}/"))]
    with capture(execute=True):
        _attempt(world.refused, "ban", lambda: bans.ban_create(actor=world.moderator, kind="post", member=world.other,
                                                               reason=vector[:200], until=_soon()))
    got += [
        ("home", guest.get("/")),
        ("board", guest.get(f"/board/{world.board.pk}/")),
        ("latest", guest.get("/latest/")),
        ("search", guest.get("/search/", {"q": MARK})),
        ("search echoing the query", guest.get("/search/", {"q": vector[:100]})),
        ("member search echoing the query", guest.get("/members/", {"q": vector[:100]})),
        ("profile", guest.get(f"/user/{world.author.pk}/")),
        ("signature settings", author.get("/settings/signature/")),
        ("members", guest.get("/members/")),
        ("checkin", guest.get("/checkin/")),
        ("notices of the author", author.get("/notifications/")),
        ("notices of the reporter", other.get("/notifications/")),
        ("moderation log", mod.get("/moderation/log/")),
        ("approval queue", mod.get("/moderation/approval/")),
        ("recycle bin", mod.get("/moderation/recycle/")),
        ("digest", guest.get("/digest/")),
        ("darkroom", mod.get("/bans/")),
        ("blogs", guest.get("/blog/")),
        ("a member's blog", guest.get(f"/blog/u/{world.author.pk}/")),
        *[("a blog post", guest.get(f"/blog/{pk}/")) for pk in _blog_posts(world.author)],
        ("preview bbcode", author.post("/preview/", {"source": vector, "format": "bbcode"})),
        ("preview markdown", author.post("/preview/", {"source": vector, "format": "markdown"})),
    ]
    if world.named is not None:
        got.append(("profile of the renamed", guest.get(f"/user/{world.named.pk}/")))
    if world.poll is not None:
        got += [("poll", guest.get(f"/thread/{world.poll.thread_id}/")),
                ("poll as its voter", other.get(f"/thread/{world.poll.thread_id}/")),
                ("poll voters", guest.get(f"/poll/{world.poll.pk}/voters/"))]
    if world.conversation_id is not None:
        got += [("messages inbox", other.get("/messages/")),
                ("conversation", author.get(f"/messages/{world.conversation_id}/"))]
    return got


def _blog_posts(author) -> list[int]:
    from luntan.blog.models import BlogPost

    return list(BlogPost.objects.filter(author=author).values_list("pk", flat=True))


def _soon():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=1)


@pytest.fixture
def cast(board, member, other_member, moderator, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        words.word_save(by=admin, word=WatchedWord(word=HELD, action=WatchedWord.Action.HOLD))
    return {"board": board, "author": member, "other": other_member, "moderator": moderator,
            "capture": django_capture_on_commit_callbacks}


@pytest.mark.parametrize("vector", [v for _n, v in VECTORS], ids=[n for n, _v in VECTORS])
def test_hostile_text_is_inert_everywhere_it_appears(vector, cast):
    capture = cast.pop("capture")
    world = plant(vector, capture=capture, **cast)
    found: list[str] = []
    for name, response in pages(world, vector, capture):
        # A search refused as typed (a control character) is a message next to the box, with status 400.
        assert response.status_code in ((200, 400) if "echoing" in name else (200,)), (name, response.status_code)
        found += problems(response.content.decode(), where=name)
    for name, url in [("latest feed", "/latest/feed/"), ("board feed", f"/board/{world.board.pk}/feed/"),
                      ("digest feed", "/digest/feed/")]:
        response = Client().get(url)
        assert response.status_code == 200
        found += feed_problems(response.content, where=name)
    assert found == [], "\n".join(found[:20])
    # The text went in somewhere: a suite where every place refused everything would prove nothing.
    assert world.thread_id is not None or "thread-body" not in world.refused, world.refused


# --- The checker itself: it must see what it is meant to see -------------------------------------------------------

@pytest.mark.parametrize(("markup", "what"), [
    ("<script>alert(1)</script>", "inline script"),
    ("<script src=\"https://evil.example/x.js\"></script>", "foreign script"),
    ("<img src=x onerror=alert(1)>", "event handler"),
    ("<div hx-get=\"/evil\">x</div>", "htmx attribute"),
    ("<div data-hx-on:click=\"x\">x</div>", "htmx attribute"),
    ("<div class=\"content\"><p hx-disable>x</p></div>", "htmx attribute"),
    ("<a href=\" java\tscript:alert(1)\">x</a>", "scheme"),
    ("<a href=\"javascript%3Aalert(1)\">x</a>", "scheme"),
    ("<img src=\"data:image/svg+xml,x\">", "scheme"),
    ("<p style=\"position:fixed\">x</p>", "attribute style"),
    ("<svg></svg>", "active element"),
    ("<div class=\"content\"><input></div>", "tag not allowed"),
    ("<p>\u202egpj.exe</p>", "direction control"),
    ("<p>零\u200b宽</p>", "zero-width"),
    ("<meta http-equiv=\"refresh\" content=\"0\">", "meta http-equiv"),
])
def test_the_checker_catches_each_kind_of_hole(markup, what):
    assert any(what in p for p in problems(f"<html><body>{markup}</body></html>", where="t")), markup


def test_the_checker_passes_isolated_direction_marks_and_the_site_own_markup():
    assert problems("<p><bdi>\u202egpj.exe</bdi> <span dir=\"auto\">\u2067x\u2069</span></p>"
                    "<script src=\"/static/core/htmx.min.js\" defer></script>"
                    "<form hx-post=\"/thread/1/reply/\"><a href=\"/user/1/\">x</a></form>", where="t") == []


def test_a_clean_site_passes(cast, client):
    """The baseline: the pages themselves, with ordinary text, break no rule (else the suite proves nothing)."""
    capture = cast.pop("capture")
    world = plant("今天天气真好", capture=capture, **cast)
    found, missing = [], []
    for name, response in pages(world, "今天天气真好", capture):
        assert response.status_code == 200, name
        found += problems(response.content.decode(), where=name)
        if "今天天气真好" not in "".join(text for text, _i, _p in parse(response.content.decode()).texts):
            missing.append(name)
    for url in ["/latest/feed/", f"/board/{world.board.pk}/feed/", "/digest/feed/"]:
        if "今天天气真好" not in Client().get(url).content.decode():
            missing.append(url)
    assert found == [], "\n".join(found[:20])
    assert world.refused == {}
    assert missing == []  # the text reached every page the suite reads


# --- Huge and deeply nested input: refused or rendered, never a crash, never seconds ------------------------------

BIG = 1_000_000
DEEP = 10_000


@pytest.mark.parametrize(("name", "source", "fmt"), [
    ("huge-plain", "长" * BIG, "bbcode"),
    ("huge-markup", "[b]粗[/b]" * (BIG // 10), "bbcode"),
    ("deep-quotes-bbcode", "[quote]" * DEEP + "深" + "[/quote]" * DEEP, "bbcode"),
    ("deep-quotes-markdown", ">" * DEEP + " 深", "markdown"),
    ("deep-quote-lines", "\n".join(">" * i + " 深" for i in range(1, 300)), "markdown"),
    ("deep-lists-markdown", "".join("  " * i + "- 项\n" for i in range(DEEP // 10)), "markdown"),
    ("deep-list-markers", "- " * DEEP + "项", "markdown"),
    ("deep-lists-bbcode", "[list][*]" * DEEP + "项" + "[/list]" * DEEP, "bbcode"),
    ("deep-emphasis", "*" * DEEP + "字" + "*" * DEEP, "markdown"),
    ("deep-links", "[" * DEEP + "字" + "](http://a.example/)" * DEEP, "markdown"),
])
def test_huge_or_deep_input_is_refused_or_posted_quickly_and_stays_inert(name, source, fmt, member, thread,
                                                                          member_client):
    started = time.process_time()
    try:
        floor = forum.post_reply(author=member, thread=thread, source=source, fmt=fmt)
    except ValidationError as error:
        assert error.code == "body_long"  # over the length limit: a clear refusal, before any rendering
        floor = None
    posting = time.process_time() - started
    started = time.process_time()
    preview = member_client.post("/preview/", {"source": source, "format": fmt})
    previewing = time.process_time() - started
    # CPU time, with room for a busy machine: a blow-up (super-linear work) takes minutes, not seconds.
    assert posting < 3 and previewing < 3, (posting, previewing)
    # Bigger than a request may be (settings.DATA_UPLOAD_MAX_MEMORY_SIZE): refused as a bad request.
    assert preview.status_code == (400 if len(source.encode()) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE else 200)
    assert problems(preview.content.decode(), where=f"{name} preview") == []
    if floor is not None:
        assert problems(f'<div class="content">{floor.html}</div>', where=name) == []
        page = Client().get(f"/thread/{thread.pk}/", {"page": "last"})
        assert page.status_code == 200 and problems(page.content.decode(), where=f"{name} thread") == []


def test_a_huge_title_name_and_sentence_are_refused_quickly(member, board):
    started = time.process_time()
    with pytest.raises(ValidationError):
        forum.thread_create(author=member, board=board, title="长" * BIG, source="正文", fmt="bbcode")
    with pytest.raises(ValidationError):
        accounts.check_username("长" * BIG)
    with pytest.raises(ValidationError):
        checkin.checkin_sign(member=member, mood="kx", sentence="长" * BIG)
    assert time.process_time() - started < 3


def test_the_thread_page_with_deep_posts_renders_quickly(member, thread, client):
    for source, fmt in [("[quote]" * 3000 + "深" + "[/quote]" * 3000, "bbcode"), (">" * 40000, "markdown")]:
        forum.post_reply(author=member, thread=thread, source=source, fmt=fmt)
    started = time.perf_counter()
    response = client.get(f"/thread/{thread.pk}/")
    assert response.status_code == 200 and time.perf_counter() - started < 3
    assert problems(response.content.decode(), where="thread") == []


# --- What the suite found, and what the fixes keep --------------------------------------------------------------

def test_names_refuse_direction_controls_and_zero_width_characters(member):
    for raw in ["管理\u202e员", "管理\u2066员", "管\u200b理员", "\u200e管理员"]:
        with pytest.raises(ValidationError):
            accounts.member_rename(member=member, username=raw)


@pytest.mark.parametrize("char", sorted(BIDI | ZERO_WIDTH))
def test_titles_and_reasons_drop_direction_controls_and_zero_width_characters(char, member, board, other_member,
                                                                                moderator):
    floor = forum.thread_create(author=member, board=board, title=f"标{char}题", source=f"正{char}文", fmt="bbcode")
    assert floor.thread.title == "标题" and char not in floor.source
    report = reports.report_create(reporter=other_member, floor=floor, reason="other", text=f"举{char}报")
    assert report.text == "举报"
    warning = bans.warning_create(actor=moderator, member=member, reason=f"警{char}告", floor=floor)
    assert warning.reason == "警告"
