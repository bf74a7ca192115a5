"""Cutting [hide]/[sell] parts out of a floor's text: the public HTML never holds them."""

import pytest

from luntan.markup import conditions
from luntan.markup.conditions import CREDITS, REPLY, SELL, cook_floor, strip_parts

SECRET = "只给回复的人看"


@pytest.mark.parametrize("fmt", ["bbcode", "markdown"])
@pytest.mark.parametrize(("tag", "kind", "amount"), [("hide", REPLY, 0), ("hide=30", CREDITS, 30),
                                                     ("sell=5", SELL, 5), ("HIDE", REPLY, 0)])
def test_a_part_is_cut_out_of_the_public_html(fmt, tag, kind, amount):
    closer = tag.split("=")[0]
    cooked = cook_floor(f"前面\n\n[{tag}]**{SECRET}**[/{closer}]\n\n后面", fmt=fmt)
    assert SECRET not in cooked.html
    assert "前面" in cooked.html and "后面" in cooked.html
    assert cooked.html.count("<!--cpart:1-->") == 1
    [part] = cooked.parts
    assert (part.number, part.kind, part.amount) == (1, kind, amount)
    assert SECRET in part.html
    assert SECRET in cooked.whole_html


def test_markdown_part_alone_in_a_paragraph_is_not_left_inside_a_p():
    cooked = cook_floor(f"前面\n\n[hide]{SECRET}[/hide]\n\n后面", fmt="markdown")
    assert "<p><!--cpart:1-->" not in cooked.html
    assert "<!--cpart:1-->" in cooked.html


@pytest.mark.parametrize("source", [
    "[hide]没有结尾", "[sell]没有价格[/sell]", "[sell=0]零元[/sell]", "[sell=abc]x[/sell]", "[/hide]只有结尾",
])
def test_a_tag_that_is_not_complete_stays_text(source):
    cooked = cook_floor(source, fmt="bbcode")
    assert cooked.parts == []
    assert "<!--cpart" not in cooked.html


def test_a_floor_has_at_most_ten_parts_and_the_rest_stays_text():
    cooked = cook_floor("".join(f"[hide]第{i}段[/hide]" for i in range(12)), fmt="bbcode")
    assert [p.number for p in cooked.parts] == list(range(1, 11))
    assert "第10段" in cooked.html and "第11段" in cooked.html  # literal, after the tenth part
    assert "第9段" not in cooked.html


def test_a_member_cannot_forge_a_spot_or_a_marker():
    forged = "\ue0001\ue001 <!--cpart:1--> <!--hole:cpart:1,1-->"
    cooked = cook_floor(forged + "[hide]真的[/hide]", fmt="bbcode")
    assert cooked.html.count("<!--") == 1  # only the real part's marker
    assert "\ue000" not in cooked.html


@pytest.mark.parametrize("source", [
    "[url=https://example.com/[hide]x[/hide]]链接[/url]",
    "[链接](https://example.com/[hide]x[/hide])",
    "![图](https://example.com/[hide]a.png[/hide])",
])
def test_a_part_inside_a_link_address_is_dropped(source):
    cooked = cook_floor(source, fmt="markdown" if source.startswith(("[链", "!")) else "bbcode")
    for match in conditions._MARKER_RE.finditer(cooked.html):
        assert cooked.html.rfind("<", 0, match.start()) <= cooked.html.rfind(">", 0, match.start())
    assert "=\"https://example.com/<!--" not in cooked.html
    assert len(cooked.parts) == len(conditions._MARKER_RE.findall(cooked.html))


def test_hostile_text_inside_a_part_is_sanitized():
    cooked = cook_floor('[hide]<script>alert(1)</script>[url=javascript:alert(1)]x[/url][/hide]', fmt="bbcode")
    [part] = cooked.parts
    assert "<script" not in part.html and "href=\"javascript" not in part.html and "&lt;script&gt;" in part.html


def test_strip_parts_leaves_the_public_text():
    assert strip_parts(f"甲[hide]{SECRET}[/hide]乙[sell=3]{SECRET}[/sell]丙") == "甲乙丙"
    assert strip_parts("没有标签") == "没有标签"


def test_place_holes_names_the_floor():
    cooked = cook_floor("[hide]x[/hide][sell=2]y[/sell]", fmt="bbcode")
    html = conditions.place_holes(cooked.html, 42)
    assert "<!--hole:cpart:42,1-->" in html and "<!--hole:cpart:42,2-->" in html


def test_notices_replace_markers_outside_the_thread_page():
    html = conditions.with_notices(cook_floor(f"[hide]{SECRET}[/hide]", fmt="bbcode").html)
    assert SECRET not in html and "cpart-locked" in html and "<!--" not in html


def test_the_line_breaks_around_a_part_are_layout():
    html = cook_floor("前面\n[hide]x[/hide]\n[sell=2]y[/sell]\n后面", fmt="bbcode").html
    assert html == "前面<!--cpart:1--><!--cpart:2-->后面"
