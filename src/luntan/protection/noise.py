"""内容防复制, done right: on a protected board (Board.protect_content) a visitor's copy of a post carries
random noise at its line breaks and an invisible mark of who was served it and when (watermark).

- The noise sits in elements that protect.css hides (`display: none`, `user-select: none`) and that carry
  `aria-hidden="true"`: sighted readers and screen readers never meet it and Ctrl+C leaves it out, while a
  scraper that takes the HTML's text gets it. It changes from view to view (phrases and characters drawn at
  random, in tags and class names drawn from pools), so it cannot be stripped by remembering it. Drop the
  hidden elements and the text is the original, plus the mark's invisible characters.
- Never for the post's author (their posts' markers are left empty) or the board's moderators (their page has
  no markers), and never outside the thread page (feeds and the API use the cooked text itself).

The kept thread page holds each protected body once, with markers (comments, which no member can write) at its
line ends; a request splices this view's noise and mark in at them (luntan.core.holes.add_splice: one split of
the page, not a hole filler per line end). A page of an unprotected board has no markers and costs nothing."""

import itertools
import random
import re
import time
import unicodedata
from datetime import datetime

from django.http import HttpRequest

from luntan.core import presence
from luntan.protection import watermark

PREFIX = b"<!--protect:"  # a marker is <!--protect:{author's UID}:{LINE_END or MARK_ONLY}-->
LINE_END, MARK_ONLY = "n", "m"

# The class names protect.css hides; a view draws from them (tests/protection checks the two agree).
CLASSES = ("ajxqy", "b82", "bgz", "bjmyq", "c45k4", "cdjd", "enw", "fg8q", "fwf", "h28jr", "hce97", "j2948",
           "jbmbk", "jf0j", "kpqgn", "ku5", "m8av7", "mzz", "p6c5a", "qh4", "qm8w", "shfa", "t2c", "t4we", "t840",
           "tem", "tevn", "u9ak", "vmwv", "vuyt", "wceb", "wmvv")
TAGS = ("span", "i", "b", "em", "small", "s", "u", "font")
# Plausible forum phrases, so the noise reads like text to a program that takes it in.
FRAGMENTS = (
    "本帖最后由", "于昨天编辑", "转载请注明出处", "楼主说得好", "其实我觉得", "顶一下", "路过看看", "谢谢分享",
    "说得有道理", "先收藏了", "学习了", "同意楼上", "回复本楼", "有没有人知道", "求助", "这个问题", "我也遇到过",
    "后来才发现", "不过话说回来", "具体来说", "另外", "总之", "其次", "第一点", "补充一下", "更新：", "原文如下",
    "来自手机客户端", "沙发", "板凳", "前排围观", "已解决", "仅供参考", "个人意见", "价格方面", "质量还行",
    "周末去了", "上个月", "朋友推荐的", "效果不错", "一般般吧", "看情况", "不建议", "强烈推荐", "已经试过了",
    "附件在下面", "见二楼", "楼下继续", "马克一下", "坐等更新", "好文章", "涨知识了", "支持一下", "不明觉厉",
    "说来话长", "简单说", "换句话说", "按理说", "我的经验是", "供大家参考", "欢迎讨论", "有问题可以问",
)
CHARACTERS = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去"
              "能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手"
              "又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感"
              "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789，。、；：！？…—·")
_rng = random.Random()  # noqa: S311 - noise, not a secret: it needs to differ, not to be unguessable

# A tag of the cooked text (attribute values are quoted; a quoted ">" does not end the tag).
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_LINE_ENDS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt"})
_VERBATIM = frozenset({"pre", "code"})  # code is copied to be run: no mark inside it
_FIRST = re.compile(r"&#?[a-zA-Z0-9]+;|\S")


def guard(html: str, floor) -> str:
    """The cooked text with markers: one at the end of every line (before a <br> or a closing paragraph,
    list item, quote, heading or cell, and at the end) and one, for the mark alone, early in the first line,
    so that copying one line still takes a mark. Nothing goes inside code."""
    prefix = PREFIX.decode()
    line_end, early = f"{prefix}{floor.author_id}:{LINE_END}-->", f"{prefix}{floor.author_id}:{MARK_ONLY}-->"
    out: list[str] = []
    verbatim = 0
    text_seen = False
    open_line = False  # something was written since the last hole
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position:tag.start()]
        if text.strip():
            open_line = True
            if not text_seen and not verbatim:
                text, text_seen = _after_first_word(text, early), True
        out.append(text)
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name in _VERBATIM:
            verbatim = max(0, verbatim - 1) if closing else verbatim + 1
        elif not verbatim and ((name == "br" and not closing) or (closing and name in _LINE_ENDS)):
            out.append(line_end)
            open_line = False
        if not closing and name != "br":
            open_line = True  # an image, a quote's start ...
        out.append(tag.group())
        position = tag.end()
    text = html[position:]
    if text.strip():
        open_line = True
        if not text_seen:
            text = _after_first_word(text, early)
    out.append(text)
    if open_line:
        out.append(line_end)
    return "".join(out)


def _after_first_word(text: str, marker: str) -> str:
    """After the first character when it is a Chinese (wide) character or a punctuation mark, else after
    the first space: never inside a word of a spaced script, nor between two letters that join (Arabic...)."""
    first = _FIRST.search(text)
    if first is None:
        return text
    char = first.group()
    if char.startswith("&") or unicodedata.east_asian_width(char) in "WF" or unicodedata.category(char)[0] in "PS":
        return text[:first.end()] + marker + text[first.end():]
    space = text.find(" ", first.end())
    return text if space < 0 else text[:space + 1] + marker + text[space + 1:]


def make_noise() -> str:
    """One piece of noise: random phrases and characters in a hidden element of a random shape."""
    r = _rng
    words = [r.choice(FRAGMENTS) for _ in range(r.randint(0, 2))]
    words += ["".join(r.choices(CHARACTERS, k=r.randint(2, 7)))]
    r.shuffle(words)
    tag, name = r.choice(TAGS), r.choice(CLASSES)
    attributes = [f'class="{name}"', 'aria-hidden="true"']
    if r.random() < 0.5:
        attributes.reverse()
    return f"<{tag} {' '.join(attributes)}>{''.join(words)}</{tag}>"


# Drawing a piece takes several random draws and a page has a hundred line ends: each process keeps a pool of
# 1,024 pieces instead and a line end takes one at random. Every member's view and every drawing of a page's
# variant (below) make new pieces in place of old ones, so the pool keeps changing and cannot be learnt.
POOL_BITS = 10
_pool: list[bytes] = []


def refresh_pool(count: int = 1) -> None:
    if not _pool:
        _pool.extend(make_noise().encode() for _ in range(1 << POOL_BITS))
    for _ in range(count):
        _pool[_rng.getrandbits(POOL_BITS)] = make_noise().encode()


_marks: dict[tuple[int | str, int], bytes] = {}  # this minute's marks, by reader: made once a minute, not per view


def viewer_mark(request: HttpRequest, when: datetime | None = None) -> bytes:
    """This view's mark: the member, or the guest's address (hashed), and the minute."""
    if when is not None:
        minute = watermark.minute_of(when)
    else:
        minute = min(int(time.time() // 60) - watermark.EPOCH_MINUTE, watermark.LAST_MINUTE)
    user = request.user
    reader = user.pk if user.is_authenticated else presence.client_address(request)
    found = _marks.get((reader, minute))
    if found is None:
        if len(_marks) > 4096:
            _marks.clear()
        mark = watermark.Mark(watermark.MEMBER, reader, minute) if isinstance(reader, int) else \
            watermark.Mark(watermark.GUEST, watermark.guest_hash(reader), minute)
        found = _marks[(reader, minute)] = watermark.encode(mark).encode()
    return found


_MARKER = re.compile(PREFIX + rb"([0-9]+):([nm])-->")
# Where a guest's mark goes in a kept page's drawn variants (below): put in per view with one replace() in C.
# A NUL byte, which no page holds (the cooked text's sanitizer replaces it), so the search is a memchr().
MARK_SPOT = b"\x00"
VARIANTS = 8  # drawn copies of each kept page's protected text, taken in turn by guests' views
REDRAW_EVERY = 64  # views, on average, before one of a page's variants is drawn again
KEPT_PAGES = 16  # kept pages whose variants a process keeps
_variants: dict[int, tuple[list[bytes], list[list[bytes]], list[int]]] = {}
_turn = itertools.count()


def _guest_piece(match: re.Match) -> bytes:
    if match.group(2) == b"m":
        return MARK_SPOT
    return MARK_SPOT + _pool[_rng.getrandbits(POOL_BITS)]


def _variant(parts: list[bytes], indices: list[int]) -> list[bytes]:
    refresh_pool(8)
    out = list(parts)
    for i in indices:
        out[i] = _MARKER.sub(_guest_piece, parts[i].replace(MARK_SPOT, b""))
    return out


def _variants_of(parts: list[bytes]) -> tuple[list[list[bytes]], list[int]]:
    """A kept page's variants: its text parts with noise drawn at every line end and a spot for the mark.
    The kept parts are the same objects from request to request while the page is kept, so the variants are
    drawn once for them; now and then one is drawn again, so they keep changing."""
    entry = _variants.get(id(parts))
    if entry is None or entry[0] is not parts:
        indices = [i for i in range(0, len(parts), 3) if PREFIX in parts[i]]
        entry = (parts, [_variant(parts, indices) for _ in range(VARIANTS)], indices)
        while len(_variants) >= KEPT_PAGES:
            _variants.pop(next(iter(_variants)), None)
        _variants[id(parts)] = entry
    elif _rng.random() * REDRAW_EVERY < 1:
        entry[1][_rng.randrange(VARIANTS)] = _variant(parts, entry[2])
    return entry[1], entry[2]


def splicer(request: HttpRequest, thread, moderator: bool):
    """How this request fills a protected thread page's markers (luntan.forum.extensions.register_body_guard):
    nothing for the board's moderators (their page has no markers), nothing in the reader's own posts.

    A guest's kept page takes the next of its drawn variants and the guest's mark (replace() in C: no Python
    work per line end); a member's page (which may hold their own posts) is split at its markers and filled
    marker by marker."""
    if moderator or not thread.board.protect_content:
        return None
    mark = viewer_mark(request)

    def kept(parts: list[bytes]) -> list[bytes]:
        variants, indices = _variants_of(parts)
        chosen = variants[next(_turn) % VARIANTS]  # in turn: a reader's next view has other noise
        out = list(chosen)
        for i in indices:
            out[i] = chosen[i].replace(MARK_SPOT, mark)
        return out

    if request.user.is_authenticated:
        own = str(request.user.pk).encode()
        refresh_pool()
    else:
        own = None
        if not _pool:
            refresh_pool(0)

    def splice(content: bytes) -> bytes:
        pieces = _MARKER.split(content)  # [text, author, kind, text, author, kind, ..., text]
        return _spliced(pieces, own, mark) if len(pieces) > 1 else content

    def member_kept(parts: list[bytes]) -> list[bytes]:
        # The markers are in the kept page's own text (the floors' bodies), never in what its holes get.
        cuts, authors = _cut_parts(parts)
        if own not in authors:  # nothing of the reader's own: the drawn variants, as a guest gets them
            return kept(parts)
        # The reader's own posts get no noise: the parts are cut at the markers once per kept page, and a
        # view draws the noise for the others' and joins.
        out = list(parts)
        for i, pieces in cuts:
            out[i] = _spliced(list(pieces), own, mark)
        return out

    return splice, (member_kept if own is not None else kept)


def _spliced(pieces: list[bytes], own: bytes | None, mark: bytes) -> bytes:
    """Text cut at its markers ([text, author, kind, ..., text]: changed in place) with each marker made this
    view's mark and noise, or nothing in the reader's own posts."""
    authors, kinds = pieces[1::3], pieces[2::3]
    noises = _rng.choices(_pool, k=len(authors))
    pieces[1::3] = [b"" if author == own else mark if kind == b"m" else mark + piece
                    for author, kind, piece in zip(authors, kinds, noises, strict=True)]
    pieces[2::3] = [b""] * len(kinds)
    return b"".join(pieces)


# id(kept parts) -> (the parts, their text cut at the markers, the markers' authors)
_cuts: dict[int, tuple[list[bytes], list[tuple[int, list[bytes]]], frozenset[bytes]]] = {}


def _cut_parts(parts: list[bytes]) -> tuple[list[tuple[int, list[bytes]]], frozenset[bytes]]:
    """[(index, the text part cut at its markers)] of a kept page's text parts that hold markers, and the
    UIDs of the posts' authors the markers name."""
    entry = _cuts.get(id(parts))
    if entry is None or entry[0] is not parts:
        cuts = [(i, _MARKER.split(parts[i])) for i in range(0, len(parts), 3) if PREFIX in parts[i]]
        entry = (parts, cuts, frozenset(author for _i, pieces in cuts for author in pieces[1::3]))
        while len(_cuts) >= KEPT_PAGES:
            _cuts.pop(next(iter(_cuts)), None)
        _cuts[id(parts)] = entry
    return entry[1], entry[2]
