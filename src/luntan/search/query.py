"""The query language: every word must match; "a quoted phrase" asks for its words adjacent and in order;
-word leaves out what has it; OR between two words accepts either. Typed words are folded and cut as the
index's text was. Nothing typed ever raises: what cannot be searched comes back with a message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luntan.search import text as searchtext

STOP_WORDS = frozenset("的 了 和 是 在 也 就 都 而 及 与 着 或 之 吗 呢 吧 啊 呀 哦 嘛".split())
MAX_TERMS = 12
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"'})
_PIECE = re.compile(r'(-?)"([^"]*)("?)|(\S+)')


@dataclass(frozen=True)
class Term:
    """One typed word or phrase: its folded words. A phrase wants them adjacent and in order; a plain word
    wants each of them anywhere (复工复产 typed without quotes: 复工 and 复产)."""
    words: tuple[str, ...]
    phrase: bool = False
    whole: str = ""  # a Chinese word typed that cut into several: also accepted as one word of the text
    quoted: bool = False  # typed in quotes, also when it is one word: its finer pieces only side by side


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Term, ...], ...] = ()  # every group must match; one term of a group is enough
    excluded: tuple[Term, ...] = ()
    message: str = ""

    @property
    def marked_words(self) -> frozenset[str]:
        words = {w for group in self.groups for term in group for w in (*term.words, term.whole) if w}
        starts = {searchtext.prefix_mark(w) for w in words if searchtext.is_single_han(w)}
        return frozenset(words | starts | {piece for w in words for piece in searchtext.inner_cut(w)})


def _term(raw: str, *, phrase: bool) -> Term | None:
    words = searchtext.query_words(raw)
    folded = searchtext.fold(raw).strip()
    whole = folded if len(words) > 1 and 2 <= len(folded) <= 8 and all(
        "\u3400" <= c <= "\u9fff" for c in folded) else ""
    if not phrase and len(words) > 1:
        kept = [w for w in words if w not in STOP_WORDS]
        words = kept or words
        words = list(dict.fromkeys(words))
    if not words:
        return None
    quoted = phrase
    if phrase and len(words) == 1:
        phrase = False
    return Term(tuple(words), phrase, whole, quoted)


def parse(raw: str) -> Query:
    text = searchtext.strip_controls(raw).translate(_QUOTES)
    text = text.replace("－", "-").replace("｜", "|")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    operators_only = True
    for match in _PIECE.finditer(text):
        minus, quoted, _closing, word = match.groups()
        if word is not None:
            if word in ("OR", "|"):
                join_next = bool(groups)
                continue
            minus = "-" if word.startswith("-") else ""
            body, phrase = word.lstrip("-"), False
            if body.startswith('"'):
                body, phrase = body.strip('"'), True
        else:
            body, phrase = quoted, True
        term = _term(body, phrase=phrase)
        if term is None:
            continue
        operators_only = False
        if minus:
            excluded.append(term)
            join_next = False
        elif join_next and groups:
            groups[-1].append(term)
            join_next = False
        else:
            groups.append([term])
    if not groups:
        if excluded:
            return Query(message=_("Add at least one word to look for: a minus sign only leaves words out."))
        if operators_only:
            return Query(message=_("Type words to look for, not only signs or operators."))
    if sum(len(t.words) for g in groups for t in g) + sum(len(t.words) for t in excluded) > MAX_TERMS * 3:
        return Query(message=_("The search has too many words: at most %(n)s.") % {"n": MAX_TERMS})
    return Query(tuple(tuple(g) for g in groups[:MAX_TERMS]), tuple(excluded[:MAX_TERMS]))
