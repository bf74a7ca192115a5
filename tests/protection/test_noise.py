"""内容防复制 on the thread page: a protected board's visitors get noise that the stylesheet hides at every
line break of a post, different on every view, and the text a browser shows them is the original (plus the
invisible mark); the post's author, the board's moderators and unprotected boards get none of it."""

import itertools
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import signed_in

import luntan.protection
from luntan.forum import services
from luntan.protection import noise, watermark

pytestmark = pytest.mark.django_db

CSS = Path(luntan.protection.__file__).parent / "static" / "protection" / "protect.css"
BODY = ("第一行：今天去了西湖。\n第二行，人很多。\n\n[b]第二段[/b] Hello world\n[quote]引用的话\n两行[/quote]\n"
        "[code]print('a<b')\nx = 1[/code]\n最后一行")
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


def hidden_classes() -> set[str]:
    """The classes protect.css hides, read from its rules as a browser would apply them."""
    found: set[str] = set()
    for selectors, rules in re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)):
        if re.search(r"display:\s*none", rules):
            found |= set(re.findall(r"\.content\s+\.([\w-]+)", selectors))
    return found


class Contents(HTMLParser):
    """The text of each post body (div.content) as a browser renders it: elements the stylesheet hides are
    dropped when `hidden` is given, <br> is a line break. Also collects the hidden elements themselves."""

    def __init__(self, hidden: set[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = hidden
        self.bodies: list[str] = []
        self.noise: list[tuple[str, dict, str]] = []  # (tag, attributes, text) of each hidden element
        self.depth = 0  # inside a div.content when > 0
        self.skip = 0  # inside a hidden element when > 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth == 0:
            if tag == "div" and attributes.get("class") == "content":
                self.depth, self.bodies = 1, [*self.bodies, ""]
            return
        if tag == "br" and not self.skip:
            self.bodies[-1] += "\n"
        if tag in VOID:
            return
        self.depth += 1
        if self.skip:
            self.skip += 1
        elif self.hidden is not None and set((attributes.get("class") or "").split()) & self.hidden:
            self.skip = 1
            self.noise.append((tag, attributes, ""))

    def handle_endtag(self, tag):
        if self.depth == 0 or tag in VOID:
            return
        self.depth -= 1
        if self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and self.skip:
            tag, attributes, text = self.noise[-1]
            self.noise[-1] = (tag, attributes, text + data)
        elif self.depth:
            self.bodies[-1] += data


def read(html: str, *, hide: bool = True) -> Contents:
    parser = Contents(hidden_classes() if hide else None)
    parser.feed(html)
    return parser


@pytest.fixture
def protected(board):
    board.protect_content = True
    board.save()
    return board


@pytest.fixture
def long_thread(member, other_member):
    def make(on):
        floor = services.thread_create(author=member, board=on, title="西湖游记", source=BODY, fmt="bbcode")
        services.post_reply(author=other_member, thread=floor.thread, source="回复：\n我也去过。\n很好玩", fmt="bbcode")
        return floor.thread

    return make


def page(client: Client, thread, **extra) -> str:
    response = client.get(f"/thread/{thread.pk}/", **extra)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<!--hole:" not in html and "<!--protect:" not in html and "\x00" not in html  # every marker filled
    return html


def test_the_stylesheet_hides_every_class_the_noise_uses_and_takes_it_out_of_selection():
    assert hidden_classes() == set(noise.CLASSES)
    css = CSS.read_text()
    assert "user-select: none" in css and "display: none" in css


@pytest.mark.parametrize("view", ["first view (rendered)", "later view (kept page)"])
def test_a_guest_sees_the_original_text_once_the_hidden_noise_is_dropped(protected, other_board, long_thread, view,
                                                                        monkeypatch):
    original = read(page(Client(), long_thread(other_board)), hide=False).bodies  # the same posts unprotected
    thread = long_thread(protected)
    if view.startswith("later"):
        page(Client(), thread)
    drawn = []  # the kept page's drawn variants are used (the fast way) on a later view only
    monkeypatch.setattr(noise, "_variants_of", lambda parts, real=noise._variants_of: drawn.append(1) or real(parts))
    html = page(Client(), thread, REMOTE_ADDR="203.0.113.9")
    assert drawn == ([1] if view.startswith("later") else [])
    assert [m.subject for m in watermark.find(html).marks] == [watermark.guest_hash("203.0.113.9")]
    shown = read(html)
    assert len(shown.bodies) == 2 and len(shown.noise) >= 8
    assert [watermark.strip(text) for text in shown.bodies] == original
    # The visible text does carry the reader's mark, and the raw text (what a scraper takes) the noise.
    assert all(watermark.find(text).marks for text in shown.bodies)
    raw = read(html, hide=False).bodies
    assert all(watermark.strip(r) != o for r, o in zip(raw, original, strict=True))
    for tag, attributes, text in shown.noise:
        assert tag in noise.TAGS and attributes.get("aria-hidden") == "true" and "style" not in attributes
        assert text and not re.search(f"[{watermark.SYMBOLS}<>&\"']", text)
    assert 'href="/static/protection/protect.css' in html or "protection/protect" in html


def test_code_blocks_carry_neither_noise_nor_mark(protected, long_thread):
    html = page(Client(), long_thread(protected))
    for block in re.findall(r"<pre>.*?</pre>", html, flags=re.S):
        assert "print(&#x27;a&lt;b&#x27;)" in block or "print('a&lt;b')" in block
        assert not re.search(f"[{watermark.SYMBOLS}]", block) and 'aria-hidden' not in block


@pytest.mark.parametrize("reader", ["guest", "member"])
def test_the_noise_differs_between_two_views(protected, long_thread, reader, other_member, monkeypatch):
    monkeypatch.setattr(noise, "_rng", random.Random(10))  # the same draws on every run: the test cannot flake
    monkeypatch.setattr(noise, "_turn", itertools.count())
    thread = long_thread(protected)
    someone = MemberFactory()
    client = Client() if reader == "guest" else signed_in(someone)
    page(client, thread)  # the page is kept: the views below are of the kept page
    first, second = read(page(client, thread)), read(page(client, thread))
    assert [n[2] for n in first.noise] != [n[2] for n in second.noise]
    if reader == "member":  # a member with no post on the page gets a drawn variant, with their own mark
        assert {(m.kind, m.subject) for body in first.bodies for m in watermark.find(body).marks} == {
            (watermark.MEMBER, someone.pk)}
    # The shapes vary too: more than one tag and class name over a page.
    assert len({n[0] for n in first.noise}) > 1 and len({n[1]["class"] for n in first.noise}) > 1
    assert [watermark.strip(b) for b in first.bodies] == [watermark.strip(b) for b in second.bodies]


def test_the_author_and_the_moderators_get_no_noise_and_no_mark(protected, long_thread, member, other_member,
                                                                moderator, admin):
    thread = long_thread(protected)
    own = read(page(signed_in(member), thread))  # member wrote floor 1, other_member floor 2
    assert re.search(f"[{watermark.SYMBOLS}]", own.bodies[0]) is None
    assert watermark.find(own.bodies[1]).marks == [watermark.Mark(watermark.MEMBER, member.pk,
                                                                  watermark.find(own.bodies[1]).marks[0].minute)]
    reply_author = read(page(signed_in(other_member), thread))
    assert watermark.find(reply_author.bodies[0]).marks and not re.search(f"[{watermark.SYMBOLS}]",
                                                                         reply_author.bodies[1])
    for reader in (moderator, admin):
        html = page(signed_in(reader), thread)
        assert read(html).noise == [] and re.search(f"[{watermark.SYMBOLS}]", html) is None
        assert "aria-hidden=\"true\">" not in "".join(read(html, hide=False).bodies)


def test_an_unprotected_board_has_no_noise_no_mark_and_no_stylesheet(board, long_thread, other_member):
    thread = long_thread(board)
    for client in (Client(), signed_in(other_member)):
        html = page(client, thread)
        assert read(html).noise == [] and re.search(f"[{watermark.SYMBOLS}]", html) is None
        assert "protection/protect" not in html


def test_a_protected_page_costs_no_more_queries_than_an_unprotected_one(protected, other_board, long_thread):
    counts = []
    for on in (other_board, protected):
        thread = long_thread(on)
        page(Client(), thread)  # kept
        with CaptureQueriesContext(connection) as queries:
            page(Client(), thread)
        counts.append([q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("UPDATE", "INSERT"))])
        assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len(counts[1]) == len(counts[0])


def test_the_guard_puts_markers_at_line_ends_never_in_words_or_code():
    class Floor:
        author_id = 7

    guarded = noise.guard("<p>Hello world<br>\n第二行</p>\n<pre><code>a<br>b</code></pre><p>完</p>", Floor())
    end, early = "<!--protect:7:n-->", "<!--protect:7:m-->"
    assert guarded == (f"<p>Hello {early}world{end}<br>\n第二行{end}</p>\n<pre><code>a<br>b</code></pre><p>完{end}</p>")
    assert noise.guard("单行", Floor()) == f"单{early}行{end}"
    assert noise.guard("مرحبا بالعالم", Floor()) == f"مرحبا {early}بالعالم{end}"  # letters that join stay joined
    assert noise.guard("「引号」开头", Floor()) == f"「{early}引号」开头{end}"


def test_feeds_carry_neither_noise_nor_mark(protected, long_thread):
    long_thread(protected)
    for path in (f"/board/{protected.pk}/feed/", "/latest/feed/"):
        feed = Client().get(path).content.decode()
        assert "今天去了西湖" in feed or "西湖游记" in feed
        assert re.search(f"[{watermark.SYMBOLS}]", feed) is None and "aria-hidden" not in feed
