"""Plain substring search, as Discuz! does it (LIKE '%word%' for each word typed): the baseline the real
backends are measured against (`luntan search eval --backend like`)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from luntan.forum.models import Floor
from luntan.markup.conditions import WHOLE_MARKER, strip_parts  # a snippet never shows a hidden part
from luntan.search import text as searchtext
from luntan.search.api import Hit, Scope

SNIPPET_CHARS = 120
CANDIDATES = 1000  # the newest matches looked at, as the index backends rank theirs (Results.more)


def _marked(text: str, words: list[str]) -> tuple[tuple[str, bool], ...]:
    """`text` cut into pieces, each matched word a piece of its own."""
    pieces: list[tuple[str, bool]] = []
    rest = text
    while rest:
        found = [(rest.find(w), w) for w in words if w and rest.find(w) >= 0]
        if not found:
            pieces.append((rest, False))
            break
        at, word = min(found)
        if at:
            pieces.append((rest[:at], False))
        pieces.append((word, True))
        rest = rest[at + len(word):]
    return tuple(pieces)


def snippet(text: str, words: list[str], chars: int = SNIPPET_CHARS) -> tuple[tuple[str, bool], ...]:
    at = min((text.find(w) for w in words if w and w in text), default=0)
    start = max(at - chars // 4, 0)
    part = text[start:start + chars]
    return _marked(("…" if start else "") + part + ("…" if start + chars < len(text) else ""), words)


def _shown_has(words: list[str], number: int, title: str, html: str) -> bool:
    """Whether each word is in what every reader is shown of the floor: its thread's title (floor 1) or its
    public text. The [hide]/[sell] parts are cut out of a floor's HTML, so a word only they hold never makes a
    hit, whoever searches (as the index backends, which index the public text only)."""
    shown = searchtext.plain_text(html).casefold()
    title = title.casefold() if number == 1 else ""
    return all(w.casefold() in shown or w.casefold() in title for w in words)


class LikeBackend:
    name = "like"
    candidates = CANDIDATES

    def search(self, text: str, scope: Scope, *, sort: str, offset: int, limit: int,
               query: object = None) -> tuple[list[Hit], int]:
        words = text.split()
        f = scope.filters
        found = Floor.objects.filter(
            is_deleted=False, is_waiting=False, thread__is_deleted=False, thread__is_closed=False,
            thread__is_waiting=False, thread__moved_to__isnull=True, thread__board_id__in=list(scope.board_ids))
        for word in words:
            found = found.filter(Q(thread__title__contains=word, number=1) if f.title_only
                                 # a floor sold whole (a thread price) is found by its title only
                                 else (Q(source__contains=word) & ~Q(html=WHOLE_MARKER))
                                 | Q(thread__title__contains=word, number=1))
        if f.author_id:
            found = found.filter(author_id=f.author_id)
        if f.digest_only:
            found = found.filter(thread__digest__gt=0)
        zone = timezone.get_current_timezone()
        if f.since:
            found = found.filter(created_at__gte=datetime.combine(f.since, time.min, zone))
        if f.until:
            found = found.filter(created_at__lte=datetime.combine(f.until, time.max, zone))
        # The source holds the hidden and paid parts too: the newest floors whose source or title has the words
        # are the candidates, and those whose shown text has them too are the hits (two queries in all).
        newest = found.order_by("-created_at", "-pk").values_list("pk", "number", "thread__title", "html")
        matched = [pk for pk, number, title, html in newest[:self.candidates]
                   if f.title_only or _shown_has(words, number, title, html)]
        page = matched[offset:offset + limit]
        rows = {row[0]: row for row in Floor.objects.filter(pk__in=page).values_list(
            "pk", "thread_id", "number", "thread__title", "thread__board_id", "thread__board__name", "author_id",
            "author__username", "created_at", "thread__digest", "source", "html")} if page else {}
        hits = []
        for floor_id in page:
            pk, tid, n, title, bid, bname, aid, aname, at, digest, source, html = rows[floor_id]
            hits.append(Hit(floor_id=pk, thread_id=tid, number=n, title=_marked(title, words), board_id=bid,
                            board_name=bname, author_id=aid, author_name=aname, created_at=at, digest=digest,
                            snippet=snippet(strip_parts(source, html=html), words)))
        return hits, len(matched)
