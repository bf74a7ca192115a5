"""@name mentions while cooking: the renderers link ``@name`` where ``name`` is a member the caller knows.

Markup knows no members: whoever cooks finds the names first (luntan.notices.mentions looks them up in one
query) and passes them in a :class:`Mentions`. Names are linked in plain text only, never inside code, a
link or a quote (quoting a post does not mention its names again). What was linked is recorded in
``Mentions.found`` for the caller (notices, the per-group cap)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Final

# What may follow "@": the letters, digits and "_-." a name is made of (luntan.accounts.names). "@" right after
# a Latin letter or digit is an e-mail address, not a mention; after Chinese text it is one ("谢谢@张三").
CANDIDATE_RE: Final = re.compile(r"(?<![A-Za-z0-9_.+\-@])@([\w.\-]+)")
MAX_NAME_CHARS: Final = 30


@dataclass
class Mentions:
    """``names``: name key -> (member id, name as written by its member, link); ``key`` makes a name key
    of typed text. The longest known name at an "@" wins, so "@张三丰你好" mentions 张三丰 if that member
    exists and 张三 otherwise."""

    names: dict[str, tuple[int, str, str]]
    key: Callable[[str], str]
    found: dict[int, str] = field(default_factory=dict)  # member id -> name, in order of first mention

    def match(self, text: str, start: int) -> tuple[int, int, str, str] | None:
        """At ``text[start] == "@"``: (end, member id, name, link) of the longest known name, or None."""
        run = CANDIDATE_RE.match(text, start)
        if run is None or run.start() != start:
            return None
        word = run.group(1)[:MAX_NAME_CHARS]
        for length in range(len(word), 0, -1):
            known = self.names.get(self.key(word[:length]))
            if known is not None:
                return start + 1 + length, known[0], known[1], known[2]
        return None

    def link_html(self, member_id: int, name: str, url: str) -> str:
        self.found.setdefault(member_id, name)
        return f'<a href="{html.escape(url)}" class="mention">@{html.escape(name)}</a>'


active: ContextVar[Mentions | None] = ContextVar("mentions", default=None)


def candidates(source: str) -> list[str]:
    """Every "@word" of the source text (code and quotes included: the renderers decide)."""
    return [m.group(1)[:MAX_NAME_CHARS] for m in CANDIDATE_RE.finditer(source)]


def split_text(text: str, escape: Callable[[str], str]) -> str:
    """``text`` as HTML: mentions linked, the rest through ``escape``."""
    mentions = active.get()
    if mentions is None or "@" not in text:
        return escape(text)
    out: list[str] = []
    pos = 0
    for at in CANDIDATE_RE.finditer(text):
        if at.start() < pos:
            continue
        hit = mentions.match(text, at.start())
        if hit is None:
            continue
        end, member_id, name, url = hit
        out.append(escape(text[pos : at.start()]))
        out.append(mentions.link_html(member_id, name, url))
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)
