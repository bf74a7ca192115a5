"""PostgreSQL full text: one tsvector per floor (search_floorindex, GIN index) written as a literal from the
segmented, folded words (the 'simple' configuration's job done by jieba: no stemming, no stop words, and no
dependence on the server's locale, which cannot tell Chinese letters in a C locale). Title words weigh A,
title parts B, text words C, text parts D; a phrase asks for adjacent A/C words. Ranked by ts_rank lifted for
newer and digest threads."""

from __future__ import annotations

from luntan.search import text as searchtext
from luntan.search.api import Scope
from luntan.search.backends import indexed
from luntan.search.index import author_token
from luntan.search.query import Query, Term

# The newest CANDIDATES visible matches are ranked, as on SQLite (see fts5.py).
MATCHED = ("WITH c AS MATERIALIZED (SELECT s.floor_id, ts_rank(s.doc, %s::tsquery) AS score, f.created_at AS at, "
           "t.digest FROM search_floorindex s JOIN forum_floor f ON f.id = s.floor_id "
           "JOIN forum_thread t ON t.id = f.thread_id WHERE s.doc @@ %s::tsquery AND {conditions} "
           "ORDER BY s.floor_id DESC LIMIT %s) ")
PAGE = MATCHED + "SELECT floor_id, count(*) OVER () FROM c ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
COUNT = MATCHED + "SELECT count(*) FROM c"  # noqa: S608


def _lexeme(word: str, weights: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "':" + weights


def _phrase(words, weights: str) -> str:
    return "(" + " <-> ".join(_lexeme(w, weights) for w in words) + ")"


def _word(word: str, title_only: bool, quoted: bool = False) -> str:
    found = _lexeme(word, "AB" if title_only else "ABCD")
    if searchtext.is_single_han(word):  # also at the start of a longer word: 哭 in 哭闹 (see fts5.py)
        found = found.replace("':", "':*", 1)
    inner = searchtext.inner_cut(word)  # the same characters cut finer (see text.inner_cut and fts5.py)
    if not inner:
        return found
    if word.isascii():  # rtx4060: rtx 4060 as words side by side, or the pieces of rtx-4060 (parts)
        pieces = " & ".join(_lexeme(p, "B" if title_only else "BD") for p in inner)
        return f"({found} | {_phrase(inner, 'A' if title_only else 'AC')} | ({pieces}))"
    if quoted or not all(len(piece) > 1 for piece in inner):
        return f"({found} | {_phrase(inner, 'A' if title_only else 'AC')})"
    return f"({found} | (" + " & ".join(_lexeme(p, "AB" if title_only else "ABCD") for p in inner) + "))"


def _term(term: Term, title_only: bool) -> str:
    if term.phrase:
        found = _phrase(term.words, "A" if title_only else "AC")
    else:
        found = "(" + " & ".join(_word(w, title_only, term.quoted) for w in term.words) + ")"
    if term.whole:
        found = f"({found} | {_lexeme(term.whole, 'AB' if title_only else 'ABCD')})"
    return found


def tsquery(query: Query, title_only: bool = False, author_id: int | None = None) -> str:
    parts = ["(" + " | ".join(_term(t, title_only) for t in group) + ")" for group in query.groups]
    if author_id:
        parts.append("'" + author_token(int(author_id)) + "'")
    parts += ["!" + _term(t, title_only) for t in query.excluded]
    return " & ".join(parts)


class PostgresBackend(indexed.IndexedBackend):
    name = "postgres"
    page_sql = PAGE
    count_sql = COUNT
    age_days = "greatest(extract(epoch FROM now() - at) / 86400.0, 0.0)"
    best_first = " DESC"  # ts_rank: higher is better

    def match_values(self, query: Query, scope: Scope) -> list:
        found = tsquery(query, scope.filters.title_only, scope.filters.author_id)
        return [found, found]  # ranked and matched
