"""The editor toolbar's server side: its markup over every post box, the same for every reader in the kept
quick reply, translated, and offering only what the renderers accept."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from luntan.markup.cooking import cook
from luntan.markup.editor import EDITOR_CHOICES


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    depth: int
    parent_tag: str = ""

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)


@dataclass
class Bar:
    source: str
    elements: list[Element] = field(default_factory=list)

    @property
    def root(self) -> Element:
        return self.elements[0]

    def buttons(self) -> list[Element]:
        return [e for e in self.elements if e.tag == "button"]

    def top_buttons(self) -> list[Element]:
        # the toolbar's own buttons: straight in it, or a menu's opener (in an .ed-pop span)
        return [e for e in self.buttons() if e.depth == 1 or (e.depth == 2 and e.get("data-pop"))]


class _Elements(HTMLParser):
    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Element] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append(Element(tag, dict(attrs), len(self.stack), self.stack[-1] if self.stack else ""))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()


_BAR_RE = re.compile(r'<div class="ed-bar" role="toolbar".*?</div>', re.DOTALL)


def _bars(response) -> list[Bar]:
    assert response.status_code == 200
    bars = []
    for source in _BAR_RE.findall(response.content.decode()):
        parser = _Elements()
        parser.feed(source)
        bars.append(Bar(source, parser.found))
    return bars


def _one_bar(response) -> Bar:
    bars = _bars(response)
    assert len(bars) == 1, "one toolbar over the one post box"
    bar = bars[0]
    target = bar.root.get("data-editor")
    page = response.content.decode()
    box = re.search(rf'<textarea\b[^>]*\bid="{target}"[^>]*>', page)
    assert box and 'name="source"' in box.group(0), "the toolbar names the post box it writes in"
    return bar


def _post_pages(client, thread):
    floor = thread.floors.get(number=1)
    return {
        "new thread": client.get(reverse("forum:thread_new") + f"?board={thread.board.pk}"),
        "reply": client.get(reverse("forum:reply", args=[thread.pk])),
        "edit": client.get(reverse("forum:floor_edit", args=[floor.pk])),
        "quick reply": client.get(reverse("forum:thread", args=[thread.pk])),
    }


@pytest.mark.django_db
def test_every_post_box_has_the_toolbar_and_its_assets(member_client, thread):
    for name, response in _post_pages(member_client, thread).items():
        bar = _one_bar(response)
        page = response.content.decode()
        assert "hidden" in bar.root.attrs, f"{name}: hidden until the script shows it"
        assert bar.root.get("aria-label") == "文字格式", name
        assert re.search(r'<script src="[^"]*markup/editor[^"]*\.js" defer>', page), name
        assert re.search(r'<link rel="stylesheet" href="[^"]*markup/editor[^"]*\.css">', page), name
        labels = {b.get("data-cmd") or b.get("data-pop", "").rsplit("-", 1)[-1]: b for b in bar.top_buttons()}
        assert set(labels) == {"bold", "italic", "underline", "color", "size", "link", "image", "quote", "code",
                               "list", "align", "upload", "smilies"}, name
        assert labels["bold"].get("aria-keyshortcuts") == "Control+B"
        assert labels["bold"].get("title") == "加粗 (Ctrl+B)"
        assert labels["link"].get("aria-keyshortcuts") == "Control+K"
        assert all(b.get("type") == "button" for b in bar.buttons()), "no toolbar button sends the form"
        assert all(b.get("aria-label") for b in bar.buttons()), "every button has a name"
        assert len(bar.buttons()) > 40, "the colours, sizes, alignments and smilies are in the menus"


@pytest.mark.django_db
def test_toolbar_needs_no_inline_script_or_style(member_client, thread):
    for name, response in _post_pages(member_client, thread).items():
        bar = _one_bar(response)
        assert not [e.tag for e in bar.elements if e.tag in ("script", "style")], name
        assert not [a for e in bar.elements for a in e.attrs if a == "style" or a.startswith("on")], name


@pytest.mark.django_db
def test_quick_reply_toolbar_is_the_same_for_every_reader(member_client, other_member_client, thread):
    first = _one_bar(member_client.get(reverse("forum:thread", args=[thread.pk]))).source
    second = _one_bar(other_member_client.get(reverse("forum:thread", args=[thread.pk]))).source
    assert first == second


@pytest.mark.django_db
def test_guest_gets_no_toolbar_and_no_editor_script(client, thread):
    response = client.get(reverse("forum:thread", args=[thread.pk]))
    assert _bars(response) == []
    assert b"markup/editor" not in response.content


@pytest.mark.django_db
def test_toolbar_speaks_english_too(member_client, thread):
    member_client.cookies["django_language"] = "en"
    response = member_client.get(reverse("forum:reply", args=[thread.pk]))
    bar = _one_bar(response)
    assert bar.root.get("aria-label") == "Formatting"


def test_every_toolbar_label_is_translated():
    labels = [label for _name, label in EDITOR_CHOICES["colors"]] + [label for _n, label in EDITOR_CHOICES["aligns"]]
    with translation.override("zh-hans"):
        untranslated = [str(label) for label in labels if re.fullmatch(r"[A-Za-z ]+", str(label))]
    assert untranslated == []


@pytest.mark.parametrize("name", [name for name, _label in EDITOR_CHOICES["colors"]])
def test_each_colour_offered_is_one_the_bbcode_renders(name):
    assert f'class="color-{name}"' in cook(f"[color={name}]字[/color]", fmt="bbcode")


def test_each_size_align_and_smiley_offered_renders():
    for size in EDITOR_CHOICES["sizes"]:
        assert f'class="size-{size}"' in cook(f"[size={size}]字[/size]", fmt="bbcode")
    for align, _label in EDITOR_CHOICES["aligns"]:
        assert f'class="align-{align}"' in cook(f"[align={align}]字[/align]", fmt="bbcode")
    for name, emoji in EDITOR_CHOICES["smilies"]:
        for fmt in ("bbcode", "markdown"):
            assert emoji in cook(f":{name}:", fmt=fmt)
