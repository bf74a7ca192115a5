"""Markdown via markdown-it-py: CommonMark plus tables and strikethrough.

Raw HTML is off (``html=False``), so a typed ``<script>`` is shown as text. Links,
images and autolinks are checked by the shared link validator; smilies are an inline
rule, so code spans and code blocks never see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .links import attachment_html, attachment_link, validate_link
from .mentions import CANDIDATE_RE, active
from .smilies import SMILEY_RE, smiley_html

POST_HEADING_SHIFT: Final = 2
_ALIGN_STYLES: Final = {f"text-align:{a}": f"align-{a}" for a in ("left", "center", "right")}


def render_markdown(source: str) -> str:
    """Markdown source to (not yet sanitized) HTML."""
    html: str = _MARKDOWN.render(source)  # typed Any upstream: renderers may return anything
    return html


def _accepts_link(url: str) -> bool:
    # markdown-it calls this for links, images, autolinks and reference definitions;
    # images get the stricter image check afterwards in _tidy (it cannot tell them apart).
    return validate_link(url) is not None


def _smiley(state: StateInline, silent: bool) -> bool:
    # ":" is already one of markdown-it's text terminators, so this rule gets to run there.
    # The cheap check first: this runs for every terminator no other rule consumed.
    if state.src[state.pos] != ":":
        return False
    match = SMILEY_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("smiley", "", 0)
        token.markup = match.group(0)
        token.meta = {"name": match.group(1)}
    state.pos = match.end()
    return True


def _attach(state: StateInline, silent: bool) -> bool:
    # [attach]ID[/attach], as in BBCode: the same token in both formats.
    if state.linkLevel > 0 or not state.src.startswith("[attach]", state.pos):
        return False
    close = state.src.find("[/attach]", state.pos + 8, min(state.posMax, state.pos + 40))
    if close < 0:
        return False
    address = attachment_link(state.src[state.pos + 8 : close])
    if address is None:
        return False
    if not silent:
        token = state.push("attach", "", 0)
        token.meta = {"address": address}
    state.pos = close + 9
    return True


def _render_attach(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return attachment_html(tokens[idx].meta["address"])


def _render_smiley(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return smiley_html(tokens[idx].meta["name"])


def _tidy(state: StateCore) -> None:
    """Fix up tokens that the stock rules get almost right for us."""
    mentions = active.get()
    quoted = 0
    for token in state.tokens:
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and token.children and mentions is not None and not quoted:
            token.children = _with_mentions(token.children)
        if token.type in ("th_open", "td_open"):
            _align_to_class(token)
        elif token.type in ("heading_open", "heading_close"):
            # The page's h1 is the thread's title and h2 its sections: a post's "# heading" starts at h3.
            token.tag = f"h{min(int(token.tag[1]) + POST_HEADING_SHIFT, 6)}"
        elif token.type == "inline" and token.children:
            token.children = [_checked_image(child) for child in token.children]


def _with_mentions(children: list[Token]) -> list[Token]:
    """Text tokens outside links with "@name" split into text and mention links (luntan.markup.mentions)."""
    mentions = active.get()
    assert mentions is not None  # noqa: S101 - the caller checked
    out: list[Token] = []
    in_link = 0
    for child in children:
        if child.type == "link_open":
            in_link += 1
        elif child.type == "link_close":
            in_link -= 1
        if child.type != "text" or in_link or "@" not in child.content:
            out.append(child)
            continue
        text, pos = child.content, 0
        for at in CANDIDATE_RE.finditer(text):
            if at.start() < pos:
                continue
            hit = mentions.match(text, at.start())
            if hit is None:
                continue
            end, member_id, name, url = hit
            mentions.found.setdefault(member_id, name)
            out.append(_text_token(text[pos : at.start()]))
            link = Token("link_open", "a", 1)
            link.attrs = {"href": url, "class": "mention"}
            out += [link, _text_token(f"@{name}"), Token("link_close", "a", -1)]
            pos = end
        out.append(_text_token(text[pos:]))
    return [t for t in out if t.type != "text" or t.content]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _align_to_class(token: Token) -> None:
    # Table alignment arrives as style="text-align:..."; we allow classes, not style.
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style in _ALIGN_STYLES:
        token.attrSet("class", _ALIGN_STYLES[style])


def _checked_image(token: Token) -> Token:
    if token.type != "image":
        return token
    if token.children:
        # The alt text is plain text: keep the shortcode itself, not an emoji span.
        for child in token.children:
            if child.type == "smiley":
                child.type, child.content = "text", child.markup
    src = str(token.attrGet("src") or "")
    if validate_link(src, image=True) is not None:
        return token
    # e.g. ![x](mailto:...): a valid link target but not an image source; show the text.
    alt = "".join(child.content for child in token.children or [])
    text = Token("text", "", 0)
    text.content = f"![{alt}]({src})"
    return text


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    # With html=False these only ever say no; dropping them saves a call per character
    # on bracket-heavy input, where markdown-it re-scans tokens while matching labels.
    md.disable(["html_inline", "html_block"])
    md.validateLink = _accepts_link  # type: ignore[method-assign]
    # Last, so it is tried only where no CommonMark rule matched.
    md.inline.ruler.push("smiley", _smiley)
    md.inline.ruler.before("link", "attach", _attach)
    md.add_render_rule("attach", _render_attach)
    md.core.ruler.push("luntan_tidy", _tidy)
    md.add_render_rule("smiley", _render_smiley)
    return md


# Built once: the instance holds only configuration; each render() has its own state.
_MARKDOWN: Final = _build()
