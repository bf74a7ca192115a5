"""SQLite FTS5: the floors' words in a virtual table (search_fts: title, body, title_parts, body_parts and
the author's id; rowid is the floor's id), matched with FTS5's query syntax, ranked by bm25 lifted for newer
and digest threads."""

from __future__ import annotations

from luntan.search import text as searchtext
from luntan.search.api import Scope
from luntan.search.backends import indexed
from luntan.search.query import Query, Term

ALL = "{title body title_parts body_parts}"
WORDS = "{title body}"
TITLE_ALL = "{title title_parts}"
TITLE_WORDS = "{title}"
WEIGHTS = "8.0, 2.0, 3.0, 1.0, 0.0"  # title, body, title parts, body parts, author
# The newest CANDIDATES visible matches are ranked (as Discuz! keeps its newest results): FTS5 walks the
# match newest first (rowid order, no sort), each row joined to its floor and thread by primary key, and stops
# once it has CANDIDATES rows that pass; so a search costs about the same at a thousand floors or a million.
MATCHED = ("WITH c AS MATERIALIZED (SELECT search_fts.rowid AS floor_id, "  # noqa: S608 - no values in it
           "bm25(search_fts, " + WEIGHTS + ") AS score, "
           "f.created_at AS at, t.digest AS digest FROM search_fts "
           "JOIN forum_floor f ON f.id = search_fts.rowid JOIN forum_thread t ON t.id = f.thread_id "
           "WHERE search_fts MATCH %s AND {conditions} ORDER BY search_fts.rowid DESC LIMIT %s) ")
PAGE = MATCHED + "SELECT floor_id, count(*) OVER () FROM c ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
COUNT = MATCHED + "SELECT count(*) FROM c"  # noqa: S608


def _quoted(words) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def _word(word: str, title_only: bool, quoted: bool = False) -> str:
    found = f"{TITLE_ALL if title_only else ALL} : {_quoted([word])}"
    if searchtext.is_single_han(word):  # also at the start of a longer word: 哭 in 哭闹
        found += " *"
    inner = searchtext.inner_cut(word)  # the same characters cut finer (see text.inner_cut)
    if not inner:
        return found
    if word.isascii():  # rtx4060 also as rtx 4060, side by side as words or as the pieces of rtx-4060
        return f"({found} OR {TITLE_ALL if title_only else ALL} : {_quoted(inner)})"
    if quoted or not all(len(piece) > 1 for piece in inner):
        # single characters, or a quoted word: side by side, as words of their own (那|家, never 温和|服务
        # for 和服; "防水涂料" is not 防水 here and 涂料 there)
        return f"({found} OR {TITLE_WORDS if title_only else WORDS} : {_quoted(inner)})"
    # words: each anywhere (南京长江大桥: 南京市长江大桥)
    return "(" + " OR ".join([found, " AND ".join(f"{TITLE_ALL if title_only else ALL} : {_quoted([p])}"
                                                   for p in inner)]) + ")"


def _term(term: Term, title_only: bool) -> str:
    if term.phrase:
        found = f"{TITLE_WORDS if title_only else WORDS} : {_quoted(term.words)}"
    else:
        found = "(" + " AND ".join(_word(w, title_only, term.quoted) for w in term.words) + ")"
    if term.whole:
        found = f"({found} OR {TITLE_ALL if title_only else ALL} : {_quoted([term.whole])})"
    return found


def match_expression(query: Query, title_only: bool = False, author_id: int | None = None) -> str:
    wanted = " AND ".join("(" + " OR ".join(_term(t, title_only) for t in group) + ")" for group in query.groups)
    if author_id:
        wanted = f'({wanted}) AND author : "{int(author_id)}"'
    if query.excluded:
        wanted = f"({wanted}) NOT (" + " OR ".join(_term(t, title_only) for t in query.excluded) + ")"
    return wanted


def _expression(query: Query, scope: Scope) -> str:
    return match_expression(query, scope.filters.title_only, scope.filters.author_id)


class Fts5Backend(indexed.IndexedBackend):
    name = "fts5"
    page_sql = PAGE
    count_sql = COUNT
    age_days = "max(julianday('now') - julianday(at), 0.0)"
    best_first = ""  # bm25: lower is better

    def match_values(self, query: Query, scope: Scope) -> list:
        return [_expression(query, scope)]
