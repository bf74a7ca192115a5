"""内容防复制, done right: on a protected board (Board.protect_content) a visitor's copy of a post carries
random noise at its line breaks and an invisible mark of who was served it and when (watermark).

- The noise sits in elements that protect.css hides (`display: none`, `user-select: none`) and that carry
  `aria-hidden="true"`: sighted readers and screen readers never meet it and Ctrl+C leaves it out, while a
  scraper that takes the HTML's text gets it. It differs on every view (fragments and characters drawn at
  random, in tags and class names drawn from pools), so it cannot be stripped by remembering it. Drop the
  hidden elements and the text is the original, plus the mark's invisible characters.
- Never for the post's author (the filler leaves their holes empty) or the board's moderators (their page has
  no holes), and never outside the thread page (feeds and the API use the cooked text itself).

The kept thread page holds each protected body once, with holes (luntan.core.holes) at its line ends; a
request fills them with this view's noise and mark. A page of an unprotected board has no such holes."""

import random
import re
from datetime import UTC, datetime

from django.http import HttpRequest

from luntan.core import presence
from luntan.core.holes import hole
from luntan.protection import watermark

HOLE = "protect"
LINE_END, MARK_ONLY = 0, 1

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
    """The cooked text with holes: one at the end of every line (before a <br> or a closing paragraph,
    list item, quote, heading or cell, and at the end) and one, for the mark alone, early in the first line,
    so that copying one line still takes a mark. Nothing goes inside code."""
    line_end, early = str(hole(HOLE, floor.author_id, LINE_END)), str(hole(HOLE, floor.author_id, MARK_ONLY))
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
    """After the first character when it is not a letter of a spaced script (a Chinese character, a
    punctuation mark), else after the first space: never inside an English word."""
    first = _FIRST.search(text)
    if first is None:
        return text
    if not first.group().isascii() or not first.group().isalnum():
        return text[:first.end()] + marker + text[first.end():]
    space = text.find(" ", first.end())
    return text if space < 0 else text[:space + 1] + marker + text[space + 1:]


def noise() -> str:
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


def viewer_mark(request: HttpRequest, when: datetime | None = None) -> str:
    """This view's mark: the member, or the guest's address (hashed), and the minute."""
    when = when or datetime.now(UTC)
    user = request.user
    if user.is_authenticated:
        return watermark.for_member(user.pk, when)
    return watermark.for_guest(presence.client_address(request), when)


def thread_filler(request: HttpRequest, thread, moderator: bool):
    """The filler of a protected thread page's holes (luntan.forum.extensions.register_thread_filler)."""
    if moderator or not thread.board.protect_content:
        return None
    mark = viewer_mark(request)
    viewer = str(request.user.pk) if request.user.is_authenticated else None
    line_end, mark_only = str(LINE_END), str(MARK_ONLY)

    def fill(req: HttpRequest, args: list[str]) -> str:
        if args[0] == viewer:  # the author's own post
            return ""
        if args[1] == mark_only:
            return mark
        if args[1] == line_end:
            return noise() + mark if _rng.random() < 0.5 else mark + noise()
        return ""

    return fill
