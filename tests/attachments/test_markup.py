"""[attach]ID[/attach] in both formats, and uploaded pictures' addresses as image sources."""

import pytest

from luntan.markup.cooking import cook

LINK = '<a href="/attachment/12/" rel="nofollow ugc noopener">\U0001f4ce12</a>'


@pytest.mark.parametrize("fmt", ["bbcode", "markdown"])
def test_an_attach_token_links_to_the_attachment_page(fmt):
    assert LINK in cook("看这里 [attach]12[/attach] 谢谢", fmt=fmt)


@pytest.mark.parametrize("fmt", ["bbcode", "markdown"])
@pytest.mark.parametrize("source", ["[attach]abc[/attach]", "[attach]-1[/attach]", "[attach]12",
                                    "[attach]1\" onclick=\"x[/attach]", "[attach]/thread/1/[/attach]"])
def test_anything_else_in_an_attach_token_stays_text(fmt, source):
    html = cook(source, fmt=fmt)
    assert "<a" not in html and "[attach]" in html


def test_an_attach_token_in_code_stays_code():
    assert "<a" not in cook("`[attach]12[/attach]`", fmt="markdown")
    assert "<a" not in cook("[code][attach]12[/attach][/code]", fmt="bbcode")


@pytest.mark.parametrize("fmt, source", [
    ("bbcode", "[url=/uploads/image/3/%s.png][img]/uploads/thumb/3/%s.png[/img][/url]"),
    ("markdown", "[![晚霞](/uploads/thumb/3/%s.png)](/uploads/image/3/%s.png)"),
])
def test_an_uploaded_picture_is_a_thumbnail_linking_to_its_full_size(fmt, source):
    key = "a" * 32
    html = cook(source % (key, key), fmt=fmt)
    link = f'<a href="/uploads/image/3/{key}.png" rel="nofollow ugc noopener">'
    assert f'{link}<img src="/uploads/thumb/3/{key}.png"' in html
    assert 'alt=""' not in html  # the link has a name


@pytest.mark.parametrize("source", ["[img]/uploads/image/../../thread/1/next/[/img]", "[img]/uploads/[/img]",
                                    "[img]/attachment/3/download/[/img]"])
def test_other_paths_of_the_site_are_still_no_image_source(source):
    assert "<img" not in cook(source, fmt="bbcode")
