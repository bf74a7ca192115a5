"""The search page (/search/): threads and floors by what they say, or members by name. Only GET: a search
writes nothing. Anything odd in the address is a message next to its field (400), never an error page;
too many searches a minute get 429 and when to try again."""

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from luntan.core.paging import Pages, page_number
from luntan.core.presence import client_address
from luntan.forum.moderators import board_table
from luntan.protection import limits
from luntan.search import api
from luntan.search.forms import SORT_CHOICES, SearchForm, board_choices, without_controls
from luntan.search.members import members_named

MAX_PAGE = 100  # a thousand hits deep: nobody reads further, and deeper offsets cost the database
MEMBER_MAX_CHARS = 30  # the longest name is 15 characters
FORM_FIELDS = ("q", "board", "author", "since", "until", "title_only", "digest_only", "sort")


def _too_often(request: HttpRequest) -> float:
    """Counts one search; the seconds until another is allowed when this one is over a limit, else 0."""
    return limits.check(limits.Action.SEARCH, request.user, client_address(request))


def _too_often_message(seconds: float) -> str:
    n = max(1, round(seconds))
    return ngettext("You are searching too often. Please try again in %(seconds)s second.",
                    "You are searching too often. Please try again in %(seconds)s seconds.", n) % {"seconds": n}


def _with_sub_boards(board_id: int, readable: frozenset[int]) -> frozenset[int]:
    parents = board_table().parents
    chosen = {board_id}
    for _depth in range(8):
        more = {b for b, parent in parents.items() if parent in chosen and b in readable} - chosen
        if not more:
            break
        chosen |= more
    return frozenset(chosen)


def _refused(request: HttpRequest, context: dict, wait: float) -> HttpResponse:
    response = render(request, "search/search.html", {**context, "notice": _too_often_message(wait)}, status=429)
    response["Retry-After"] = str(max(1, round(wait)))
    return response


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    if request.GET.get("kind") == "members":
        return _members(request)
    readable = api.readable_board_ids(request.user)
    form = SearchForm({k: request.GET[k] for k in FORM_FIELDS if k in request.GET} or None,
                      boards=board_choices(readable))
    context: dict = {"form": form, "kind": "threads", "results": None, "notice": ""}
    if not form.is_bound:
        return render(request, "search/search.html", context)
    if not form.is_valid():
        return render(request, "search/search.html", context, status=400)
    data = form.cleaned_data
    filters = form.filters()
    if filters.board_ids:
        filters = replace(filters, board_ids=_with_sub_boards(data["board"], readable))
    if data["q"]:
        wait = _too_often(request)
        if wait:
            return _refused(request, context, wait)
    page = page_number(request.GET.get("page", "")[:20], last=MAX_PAGE)
    sort = data["sort"] or "relevance"
    results = api.search(request.user, data["q"], filters, sort=sort, page=page)
    if results.pages and results.page > results.pages:  # past the end (an old link): the last page instead
        results = api.search(request.user, data["q"], filters, sort=sort, page=results.pages)
    params = {k: v for k, v in request.GET.items() if k in FORM_FIELDS and v}
    sorts = [(str(label), None if value == sort else "?" + urlencode({**params, "sort": value}))
             for value, label in SORT_CHOICES]
    context.update(results=results, pages=Pages(number=results.page, count=max(min(results.pages, MAX_PAGE), 1)),
                   extra="&" + urlencode(params) if params else "", sorts=sorts, per_page=api.PER_PAGE)
    return render(request, "search/search.html", context)


def _members(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    context: dict = {"kind": "members", "typed": without_controls(query[:MEMBER_MAX_CHARS]), "found": None,
                     "notice": ""}
    if query.strip():
        wait = _too_often(request)
        if wait:
            return _refused(request, context, wait)
    found = members_named(query, request.GET.get("page", "")[:20])
    context.update(found=found, extra="&" + urlencode({"kind": "members", "q": found.query}))
    return render(request, "search/search.html", context)
