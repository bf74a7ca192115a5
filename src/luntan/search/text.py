"""Text as search sees it: folded (full-width to half-width and other compatibility forms by NFKC, lower
case, Traditional to Simplified by OpenCC's t2s), then cut into words by jieba (jieba-rs through `rjieba`).

Segmenter choice, measured on 1 MB of mixed Chinese (this machine, search-mode tokenize with offsets):
rjieba 0.14 s, jieba 2.26 s; rjieba is 16x faster and can add user words, so Luntan uses it.

What a floor gives the index (`index_terms`):
- its *words*: jieba's accurate cut, in order, so that a "quoted phrase" can ask for adjacent words;
- its *parts*: the shorter words search mode finds inside longer ones (长江大桥 -> 长江, 大桥), so that a
  part is found too, but never characters that only meet across a word boundary (温和|服务 has no 和服).
ASCII words and numbers stay whole tokens (iPhone15, 3.14, c++); where letters meet digits the pieces are
parts too (iphone15: iphone, 15), so that iPhone 15 and iPhone15 find each other.

A user dictionary (board names, member names, `SearchWord`) keeps the forum's own words whole. Each user word
also keeps the pieces the plain dictionary cuts it into, as parts, so 复工复产 added as a word is still found
by 复产, and a query for a word added after a floor was indexed still finds that floor (see query.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import opencc

TOKEN_KEEP = set("._+#-@&")  # inside ASCII tokens: 3.14, c++, c#, e-mail, a@b
TOKEN_EDGE = "._-@&"  # never at either end of a token  # noqa: S105
MAX_TOKEN_CHARS = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def strip_controls(text: str) -> str:
    return _CONTROL.sub(" ", text)


def fold(text: str) -> str:
    """Full-width/half-width and compatibility forms folded, lower case, Simplified Chinese."""
    return _t2s().convert(unicodedata.normalize("NFKC", strip_controls(text)).lower())


def fold_mapped(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the character of `text` it came from, so
    that a word found in the folded text can be marked in the text as written."""
    folded = fold(text)
    if len(folded) == len(text):  # nearly always: NFKC, lower and t2s keep one character for one
        return folded, list(range(len(text)))
    pieces: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        piece = _t2s().convert(unicodedata.normalize("NFKC", strip_controls(char)).lower())
        pieces.append(piece)
        origin.extend([i] * len(piece))
    return "".join(pieces), origin


def clean_token(token: str) -> str:
    """A token as the index keeps it: letters and digits (and the few signs of 3.14, c++, c#), or ""."""
    if token.isalnum():  # nearly every word: the quick way
        return token[:MAX_TOKEN_CHARS]
    return _clean_token(token)


@lru_cache(maxsize=100_000)
def _clean_token(token: str) -> str:
    kept = "".join(c for c in token if c.isalnum() or c in TOKEN_KEEP).strip(TOKEN_EDGE)
    if not any(c.isalnum() for c in kept):
        return ""
    return kept[:MAX_TOKEN_CHARS]


_ASCII_PIECE = re.compile(r"[a-z]+|\d+(?:\.\d+)*")


def ascii_pieces(token: str) -> tuple[str, ...]:
    """The pieces of an ASCII token where letters meet digits or signs part them (rtx4060ti: rtx, 4060, ti;
    python3.12: python, 3.12; node.js: node, js), or () for a token of one piece."""
    if not token.isascii() or token.isalpha() or token.isdigit():
        return ()
    pieces = tuple(_ASCII_PIECE.findall(token))
    return pieces if len(pieces) > 1 else ()


def _is_han(word: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" for c in word)


def new_word_parts(d: _Dictionary, word: str) -> tuple[str, ...]:
    """A word of three characters or more that no dictionary knows (the segmenter's model joined its
    characters: 配速员, 琴房小鹿) has no shorter dictionary words inside it to be found by; its pairs of
    neighbouring characters stand in for them (配速, 速员), so 配速 finds 配速员. Still inside one word:
    nothing across a word boundary."""
    if not 3 <= len(word) <= 8 or word in d.words or not _is_han(word) or d.jieba.has_word(word):
        return ()
    return tuple(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1)))


@dataclass
class _Dictionary:
    jieba: Any  # rjieba's Jieba
    words: frozenset[str] = frozenset()
    inner_cut: dict[str, tuple[str, ...]] = field(default_factory=dict)  # user word -> plain accurate cut
    inner_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # user word -> plain search cut


_lock = threading.Lock()
_current: _Dictionary | None = None
_user_words_source = None  # set by luntan.search.index: a function returning the user words


def set_user_words_source(source) -> None:
    global _user_words_source
    _user_words_source = source


def _kept(raw: str) -> str:
    """A user word as the dictionary keeps it (folded), or "" for one it cannot keep."""
    word = fold(raw).strip()
    if len(word) < 2 or len(word) > 30 or not all(clean_token(c) for c in word):
        return ""
    return word


def _learn(d: _Dictionary, words: set[str]) -> None:
    """Adds `words` to `d`: each word's cut and parts are taken before any of them is added, so they are the
    plain dictionary's (or nearly: with the user words already there)."""
    new = {w for w in (_kept(raw) for raw in words) if w} - d.words
    for word in new:
        cut = tuple(t for t in (clean_token(w) for w in d.jieba.cut(word)) if t)
        if len(cut) > 1:
            d.inner_cut[word] = cut
            d.inner_parts[word] = tuple(dict.fromkeys(
                t for t in (clean_token(w) for w in d.jieba.cut_for_search(word)) if t and t != word))
    for word in new:
        d.jieba.add_word(word, max(d.jieba.suggest_freq(word), 3), None)
    d.words = d.words | new


def _build(words: set[str]) -> _Dictionary:
    import rjieba

    rjieba.clear()  # the package's own default instance, never used here: 30 MB less in every process
    d = _Dictionary(jieba=rjieba.Jieba())
    _learn(d, words)
    return d


def learn_words(words: set[str]) -> None:
    """Adds words to the dictionary this process cuts with, without building it again (a member who has just
    registered, a new board): a few microseconds a word, where a rebuild takes about a second for 20,000.
    A process that has not built its dictionary yet has nothing to do: it will read them with the rest."""
    with _lock:
        if _current is not None:
            _learn(_current, words)


def dictionary() -> _Dictionary:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                words = set(_user_words_source()) if _user_words_source else set()
                _current = _build(words)
    return _current


def reload_dictionary(words: set[str] | None = None) -> None:
    """Builds the segmenter again with the user words now in the database (or `words`)."""
    global _current
    with _lock:
        _current = None
        if words is not None:
            _current = _build(words)


@dataclass(frozen=True)
class Terms:
    words: list[str]  # accurate cut, in order
    parts: list[str]  # words found inside longer words, not the same span as a word
    part_at: list[int]  # for each part, the index of the word it lies in


def index_terms(text: str) -> Terms:
    """What the index keeps of `text` (already plain text, not yet folded). One search-mode cut gives both:
    search mode is the accurate cut's words plus the shorter words inside them, so a word is a token that
    no other token contains."""
    d = dictionary()
    words: list[str] = []
    parts: list[str] = []
    part_at: list[int] = []
    word_end = -1
    inside: tuple[str, ...] = ()  # the parts the current word gave already
    for word, start, end in sorted(d.jieba.tokenize(fold(text), mode="search"), key=lambda t: (t[1], -t[2])):
        token = clean_token(word)
        if start >= word_end:  # a word of the accurate cut (kept in order even when not indexed)
            word_end = end
            inside = ()
            if token:
                words.append(token)
                inside = d.inner_parts.get(token) or ascii_pieces(token) or new_word_parts(d, token)
                if inside:
                    parts.extend(inside)
                    part_at.extend([len(words) - 1] * len(inside))
        elif token and token not in inside:
            parts.append(token)
            part_at.append(max(len(words) - 1, 0))
    return Terms(words, parts, part_at)


def query_words(text: str) -> list[str]:
    """The words of one typed word or phrase, accurate cut (already folded or not: it is folded again)."""
    return [t for t in (clean_token(w) for w in dictionary().jieba.cut(fold(text))) if t]


def inner_cut(word: str) -> tuple[str, ...]:
    """A finer cut of a typed word, for floors where the same characters were cut finer in their context
    (那家 typed, 那|家 in 那家也行; 长江大桥 typed, 长江|大桥 written apart): the plain dictionary's cut of a
    user word, else the shorter words search mode finds in it, and single characters between them. Empty
    for a single character or a word with no finer cut. A query also accepts these pieces: words of two
    characters or more anywhere (南京长江大桥 finds 南京市|长江大桥), single characters only side by side as
    words of their own (那|家; 和服 is still no match in 温和|服务)."""
    d = dictionary()
    if word in d.inner_cut:
        return d.inner_cut[word]
    if word.isascii():
        return ascii_pieces(word)
    if not 2 <= len(word) <= 6 or not _is_han(word):
        return ()
    shorter = {start: end for _w, start, end in sorted(d.jieba.tokenize(word, mode="search"),
                                                        key=lambda t: t[1] - t[2]) if end - start < len(word)}
    pieces, at = [], 0
    while at < len(word):
        end = shorter.get(at, at + 1)
        pieces.append(word[at:end])
        at = end
    return tuple(pieces)


def mark(text: str, terms: frozenset[str]) -> tuple[tuple[str, bool], ...]:
    """`text` in pieces, each word (or part of a word) that is one of the folded `terms` a marked piece of
    its own, marked in the text as written: 復工 is marked for the term 复工."""
    spans = match_spans(text, terms)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return tuple(pieces)


def is_single_han(word: str) -> bool:
    """One Chinese character typed as a word (哭): it is also found at the start of longer words (哭闹,
    哭醒), which the index holds whole. Never inside or at the end of one, so no characters meet across
    a word boundary."""
    return len(word) == 1 and "\u3400" <= word <= "\u9fff"


def prefix_mark(word: str) -> str:
    """How a typed one-character word stands among the terms to mark: also at the start of longer words.
    (A single character that is only a piece of a longer typed word is marked only where it stands alone.)"""
    return word + "*"


def match_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of `text` (as written) where a term is a word or a part of a word, merged, in order."""
    if not terms or not text:
        return []
    folded, origin = fold_mapped(text)
    found: list[tuple[int, int]] = []
    starts = {w[0] for w in terms if len(w) == 2 and w[1] == "*"}
    d = dictionary()
    for word, start, end in d.jieba.tokenize(folded, mode="search"):
        token = clean_token(word) if end > start else ""
        if token in terms or (token.isascii() and _pieces_in(token, terms)):
            found.append((origin[start], origin[end - 1] + 1))
            continue
        if token[:1] in starts:
            found.append((origin[start], origin[start] + 1))
        for pair in new_word_parts(d, token) if len(token) > 2 else ():
            if pair in terms:
                at = start + token.index(pair)
                found.append((origin[at], origin[at + 1] + 1))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pieces_in(token: str, terms: frozenset[str]) -> bool:
    pieces = ascii_pieces(token)
    return bool(pieces) and all(piece in terms for piece in pieces)


def snippet(text: str, terms: frozenset[str], chars: int = 120) -> tuple[tuple[str, bool], ...]:
    """About `chars` characters of `text` around its first matches, matched words marked."""
    spans = match_spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(first - chars // 4, 0)
    if start and len(text) - start < chars:
        start = max(len(text) - chars, 0)
    end = min(start + chars, len(text))
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            pieces.append((text[at:s], False))
        pieces.append((text[s:e], True))
        at = e
    if at < end:
        pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return tuple(pieces)


_BLOCK = re.compile(r"<(?:br|/p|/div|/li|/blockquote|/h[1-6]|/tr|/td|/th|/pre|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The text of a floor's cooked HTML, tags stripped, blocks kept apart by a space."""
    from html import unescape

    return _SPACE.sub(" ", unescape(_TAG.sub("", _BLOCK.sub(" ", html)))).strip()
