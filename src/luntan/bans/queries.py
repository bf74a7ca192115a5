"""小黑屋: the bans in force and the members barred by warnings."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from luntan.bans.models import Ban
from luntan.core.paging import Pages, page_count, page_number

PER_PAGE = 30


@dataclass
class Darkroom:
    bans: list[Ban]
    pages: Pages


def darkroom(*, page_raw: str | None) -> Darkroom:
    """Current bans (those the warnings made among them), the newest first: two queries."""
    now = timezone.now()
    current = Ban.objects.filter(Q(until__isnull=True) | Q(until__gt=now), lifted_at__isnull=True)
    total = current.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, PER_PAGE)), count=page_count(total, PER_PAGE))
    start = (pages.number - 1) * PER_PAGE
    bans = list(current.select_related("member", "actor").order_by("-created_at", "-id")[start:start + PER_PAGE])
    return Darkroom(bans=bans, pages=pages)
