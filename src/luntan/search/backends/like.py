"""Plain substring search, as Discuz! does it (LIKE '%word%' for each word typed): the baseline the real
backends are measured against (`luntan search eval --backend like`)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from luntan.forum.models import Floor
from luntan.markup.conditions import WHOLE_MARKER, strip_parts  # a snippet never shows a hidden part
from luntan.search.api import Hit, Scope

SNIPPET_CHARS = 120


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


class LikeBackend:
    name = "like"

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
        total = found.count()
        rows = (found.order_by("-created_at", "-pk")
                .values_list("pk", "thread_id", "number", "thread__title", "thread__board_id", "thread__board__name",
                             "author_id", "author__username", "created_at", "thread__digest", "source", "html")
                [offset:offset + limit])
        return [Hit(floor_id=pk, thread_id=tid, number=n, title=_marked(title, words), board_id=bid,
                    board_name=bname, author_id=aid, author_name=aname, created_at=at, digest=digest,
                    snippet=snippet(strip_parts(source, html=html), words))
                for pk, tid, n, title, bid, bname, aid, aname, at, digest, source, html in rows], total
