"""Searching members by name (the search page's second tab): the start of a name, its pinyin or its
initials, as the member list (会员列表) finds them, a name typed in full first. Two queries a page."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, Value, When

from luntan.accounts.models import Member
from luntan.accounts.queries import clean_search, search_filter
from luntan.core.paging import Pages, page_count, page_number

MEMBERS_PER_PAGE = 20


@dataclass
class FoundMembers:
    query: str
    members: Sequence[Member]
    total: int
    pages: Pages


def members_named(raw: str | None, page_raw: str | None) -> FoundMembers:
    query = clean_search(raw)
    if not query:
        return FoundMembers(query="", members=[], total=0, pages=Pages(1, 1))
    found = Member.objects.filter(search_filter(query))
    total = found.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, MEMBERS_PER_PAGE)),
                  count=page_count(total, MEMBERS_PER_PAGE))
    start = (pages.number - 1) * MEMBERS_PER_PAGE
    exact = Case(When(Q(name_key=query), then=Value(True)), default=Value(False), output_field=BooleanField())
    members = list(found.select_related("group").annotate(exact=exact)
                   .order_by("-exact", "name_pinyin", "name_key", "pk")[start:start + MEMBERS_PER_PAGE])
    return FoundMembers(query=query, members=members, total=total, pages=pages)
