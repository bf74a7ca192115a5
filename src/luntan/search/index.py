"""The search index and its upkeep.

One index row per floor (keyed by the floor's id): the words of its text (the plain text of its cooked HTML)
and, for floor 1, of its thread's title, and its author (who never changes), so that a search of one
member's posts stays fast. Nothing else: who may see a floor (deleted, closed, waiting, moved
threads, deleted or waiting floors, boards) is decided when searching, by joining the live forum tables, so
the index only changes when text changes: a floor is written or edited, a title changes, floors are merged
or split (a floor becomes or stops being floor 1), a thread is purged.

The row is written in the same transaction as the text it follows (the index is the database's own table,
so it commits or rolls back with the floor, and a search right after a reply finds it). Creates and saves go
through Floor/Thread post_save; the forum's bulk UPDATEs (edit, title change, merge, split, recook, purge)
send `luntan.forum.signals.text_changed`.

`reindex()` rebuilds everything in batches of short transactions, replacing rows as it goes, so the site
keeps serving (and finding) meanwhile.
"""

from __future__ import annotations

import sys
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save

from luntan.search import text as searchtext

BATCH = 1000
COLUMNS = "title, body, title_parts, body_parts, author"
SEPARATOR = "\x1f"  # never in a token (clean_token keeps letters, digits and ._+#-@&)


def vendor() -> str:
    return connection.vendor


def _user_words() -> set[str]:
    from luntan.accounts.models import Member
    from luntan.forum.models import Board
    from luntan.search.models import SearchWord

    words = set(SearchWord.objects.values_list("word", flat=True))
    words |= set(Board.objects.values_list("name", flat=True))
    words |= {name for name in Member.objects.filter(is_active=True).values_list("username", flat=True)
              if _is_name(name)}
    return words


searchtext.set_user_words_source(_user_words)


def author_token(author_id: int) -> str:
    """The author as a word of the index (no text ever gives it: the index keeps no "~"), so that a search
    by one member's posts is an intersection inside the index, not a walk through every match."""
    return f"~a{author_id}"


def _tsvector(terms_title: searchtext.Terms | None, terms_body: searchtext.Terms, author_id: int) -> str:
    """A tsvector literal: words at their positions (title words weight A, title parts B, body words C,
    body parts D); a part shares the position of the word it lies in. Phrases ask for adjacent A/C words."""
    positions: dict[str, list[str]] = {}
    at = 1
    for terms, word_weight, part_weight in ((terms_title, "A", "B"), (terms_body, "C", "D")):
        if terms is None:
            continue
        first = at
        for word in terms.words:
            positions.setdefault(word, []).append(f"{min(at, 16383)}{word_weight}")
            at += 1
        for part, word_index in zip(terms.parts, terms.part_at, strict=True):
            positions.setdefault(part, []).append(f"{min(first + word_index, 16383)}{part_weight}")
        at += 1  # the title's last word and the text's first are not adjacent
    return " ".join([f"'{word}':{','.join(spots[:250])}" for word, spots in positions.items()]
                    + [f"'{author_token(author_id)}'"])


def _row(floor_id: int, number: int, html: str, title: str, author_id: int) -> tuple | None:
    body = searchtext.index_terms(searchtext.plain_text(html))
    head = searchtext.index_terms(title) if number == 1 and title else None
    if not body.words and head is None:
        return None
    if vendor() == "postgresql":
        return (floor_id, _tsvector(head, body, author_id))
    return (floor_id, " ".join(head.words) if head else "", " ".join(body.words),
            " ".join(head.parts) if head else "", " ".join(body.parts), str(author_id))


def _pack(values: tuple) -> bytes:
    """A row's indexed values as the side table keeps them (compressed: about 0.75 of the words' size)."""
    return zlib.compress(SEPARATOR.join(values).encode(), 6)


def _unpack(packed: bytes) -> list[str]:
    return zlib.decompress(packed).decode().split(SEPARATOR)


def _write(rows: list[tuple], remove: Iterable[int]) -> None:
    remove = list(remove)
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            if remove:
                cursor.execute("DELETE FROM search_floorindex WHERE floor_id = ANY(%s)", [remove])
            if rows:
                cursor.executemany(
                    "INSERT INTO search_floorindex (floor_id, doc) VALUES (%s, %s::tsvector) "
                    "ON CONFLICT (floor_id) DO UPDATE SET doc = EXCLUDED.doc", rows)
        elif vendor() == "sqlite":
            gone = remove + [row[0] for row in rows]
            for i in range(0, len(gone), 500):
                _sqlite_remove(cursor, gone[i:i + 500])
            if rows:
                cursor.executemany(f"INSERT INTO search_fts (rowid, {COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)", rows)  # noqa: S608
                cursor.executemany("INSERT INTO search_fts_source (floor_id, packed) VALUES (%s, %s)",
                                   [(row[0], _pack(row[1:])) for row in rows])


def _sqlite_remove(cursor, floor_ids: list[int]) -> None:
    """The FTS5 table keeps no copy of its text (half the index's size), so a row is taken out by giving it the
    values it was made from, kept compressed in search_fts_source."""
    marks = ",".join(["%s"] * len(floor_ids))
    cursor.execute(f"SELECT floor_id, packed FROM search_fts_source WHERE floor_id IN ({marks})", floor_ids)  # noqa: S608
    old = cursor.fetchall()
    if old:
        cursor.executemany(f"INSERT INTO search_fts (search_fts, rowid, {COLUMNS}) "  # noqa: S608
                           "VALUES ('delete', %s, %s, %s, %s, %s, %s)",
                           [(floor_id, *_unpack(packed)) for floor_id, packed in old])
        gone = [row[0] for row in old]
        cursor.execute(f"DELETE FROM search_fts_source WHERE floor_id IN ({','.join(['%s'] * len(gone))})", gone)  # noqa: S608


def clear() -> None:
    """Empties the index (tests; the test runner's flush never reaches these tables)."""
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_fts_source")
        elif vendor() == "postgresql":
            cursor.execute("DELETE FROM search_floorindex")


def row_count() -> int:
    """How many floors the index holds."""
    table = {"sqlite": "search_fts_source", "postgresql": "search_floorindex"}.get(vendor())
    if table is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
        return cursor.fetchone()[0]


def _rows_of(floors) -> tuple[list[tuple], list[int]]:
    rows, empty = [], []
    for floor_id, number, html, title, author_id in floors:
        row = _row(floor_id, number, html, title, author_id)
        if row is None:
            empty.append(floor_id)
        else:
            rows.append(row)
    return rows, empty


def index_floors(floor_ids: Iterable[int]) -> None:
    """Writes the index rows of these floors again (a floor that is gone loses its row)."""
    from luntan.forum.models import Floor

    ids = sorted(set(floor_ids))
    if not ids or vendor() not in ("sqlite", "postgresql"):
        return
    floors = list(Floor.objects.filter(pk__in=ids).values_list("pk", "number", "html", "thread__title", "author_id"))
    rows, empty = _rows_of(floors)
    _write(rows, empty + sorted(set(ids) - {f[0] for f in floors}))


def index_first_floors(thread_ids: Iterable[int]) -> None:
    """After a title changed: the threads' first floors."""
    from luntan.forum.models import Floor

    ids = list(set(thread_ids))
    if ids and vendor() in ("sqlite", "postgresql"):
        index_floors(Floor.objects.filter(thread_id__in=ids, number=1).values_list("pk", flat=True))


def text_changed(sender=None, *, floor_ids: Iterable[int] = (), thread_ids: Iterable[int] = (), **kwargs) -> None:
    """The receiver of `luntan.forum.signals.text_changed`."""
    index_floors(floor_ids)
    index_first_floors(thread_ids)


def _floor_saved(sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if raw or (update_fields is not None and not {"html", "number", "thread", "thread_id"} & set(update_fields)):
        return
    index_floors([instance.pk])


def _thread_saved(sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if raw or created or (update_fields is not None and "title" not in update_fields):
        return
    index_first_floors([instance.pk])


def connect() -> None:
    """Called from the app's ready()."""
    from luntan.accounts.models import Member
    from luntan.forum import signals
    from luntan.forum.models import Board, Floor, Thread

    post_save.connect(_floor_saved, sender=Floor, dispatch_uid="search_floor_saved")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="search_member_saved")
    post_save.connect(_board_saved, sender=Board, dispatch_uid="search_board_saved")
    post_save.connect(_thread_saved, sender=Thread, dispatch_uid="search_thread_saved")
    signals.text_changed.connect(text_changed, dispatch_uid="search_text_changed")


def reindex(progress: Callable[[int, int], Any] | None = None, *, batch: int = BATCH) -> int:
    """Rebuilds the whole index; returns the number of floors indexed. `progress(done, total)` is called as
    it goes. Each batch is its own short transaction, and rows are replaced, not dropped first, so searches
    keep finding what they found while it runs."""
    from luntan.forum.models import Floor

    if vendor() not in ("sqlite", "postgresql"):
        return 0
    searchtext.reload_dictionary()
    total = Floor.objects.count()
    done = indexed = 0
    last = 0
    if progress:
        progress(0, total)
    while True:
        floors = list(Floor.objects.filter(pk__gt=last).order_by("pk")
                      .values_list("pk", "number", "html", "thread__title", "author_id")[:batch])
        if not floors:
            break
        rows, empty = _rows_of(floors)
        with transaction.atomic():
            low, high = last, floors[-1][0]
            _remove_between(low, high, keep={row[0] for row in rows})
            _write(rows, empty)
        indexed += len(rows)
        done += len(floors)
        last = high
        if progress:
            progress(min(done, total), max(total, done))
    with transaction.atomic():
        _remove_between(last, None, keep=set())
    with connection.cursor() as cursor:  # merge FTS5's segments / give the planner fresh figures
        if vendor() == "sqlite":
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")  # contentless too
        else:
            cursor.execute("ANALYZE search_floorindex")
    return indexed


def _remove_between(low: int, high: int | None, *, keep: set[int]) -> None:
    """Drops the rows of floors with low < id <= high that are gone (purged floors left by an old index)."""
    table, key = ("search_floorindex", "floor_id") if vendor() == "postgresql" else ("search_fts_source", "floor_id")
    with connection.cursor() as cursor:
        if high is None:
            cursor.execute(f"DELETE FROM {table} WHERE {key} > %s", [low])  # noqa: S608 - names are ours
            return
        cursor.execute(f"SELECT {key} FROM {table} WHERE {key} > %s AND {key} <= %s", [low, high])  # noqa: S608
        stale = [r[0] for r in cursor.fetchall() if r[0] not in keep]
    if stale:
        _write([], stale)


def add_arguments(parser) -> None:
    parser.add_argument("--batch", type=int, default=BATCH, help="floors per transaction")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(stdout, **options: Any) -> None:
    started = time.perf_counter()
    width = 30

    def bar(done: int, total: int) -> None:
        if options.get("quiet"):
            return
        share = done / total if total else 1.0
        filled = int(share * width)
        rate = done / max(time.perf_counter() - started, 1e-6)
        stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} floors, {rate:.0f}/s",
                     ending="")
        stdout.flush()

    count = reindex(bar, batch=max(int(options.get("batch") or BATCH), 1))
    seconds = time.perf_counter() - started
    stdout.write(f"\n{count} floors indexed in {seconds:.1f} s")
    if sys.stdout.isatty():
        stdout.flush()


_seen_version: Any = None
_seen_names = 0
NAMES_KEY = "search:names"  # how many names were added so far; name number n is at NAMES_KEY:n
NAMES_KEPT = 500  # a process further behind than this builds the dictionary again


def _is_name(name: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in name)


def names_added(names: Iterable[str]) -> None:
    """After commit: new member or board names join the dictionary, at once in this process, in the others
    when they next search (each name is kept under its own number, so concurrent additions lose none)."""
    from django.core.cache import cache

    names = [n for n in names if n]
    if not names:
        return
    searchtext.learn_words(set(names))
    for name in names:
        try:
            number = cache.incr(NAMES_KEY)
        except ValueError:
            cache.add(NAMES_KEY, 0, None)
            number = cache.incr(NAMES_KEY)
        cache.set(f"{NAMES_KEY}:{number}", name, 7 * 24 * 3600)


def dictionary_fresh() -> None:
    """Cuts with the words another process added or removed since: one cache read when nothing changed; the
    admin's words rebuild the dictionary, new names are only added to it."""
    global _seen_version, _seen_names
    from django.core.cache import cache

    from luntan.search.services import DICTIONARY_VERSION_KEY

    found = cache.get_many([DICTIONARY_VERSION_KEY, NAMES_KEY])
    version, names = found.get(DICTIONARY_VERSION_KEY), found.get(NAMES_KEY) or 0
    if version != _seen_version or names < _seen_names or names - _seen_names > NAMES_KEPT:
        _seen_version, _seen_names = version, names
        searchtext.reload_dictionary()
    elif names > _seen_names:
        keys = [f"{NAMES_KEY}:{n}" for n in range(_seen_names + 1, names + 1)]
        _seen_names = names
        searchtext.learn_words(set(cache.get_many(keys).values()))


def _member_saved(sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if not raw and (created or (update_fields is not None and "username" in update_fields)) \
            and _is_name(instance.username):
        name = instance.username
        transaction.on_commit(lambda: names_added([name]))


def _board_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        name = instance.name
        transaction.on_commit(lambda: names_added([name]))
