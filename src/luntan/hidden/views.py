"""Buying a paid part (POST, then back to its floor with a message) and a part's buyers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luntan.core.views import error_page, login_first
from luntan.forum import queries as forum_queries
from luntan.forum.views import floor_url
from luntan.hidden import queries, rules, services
from luntan.hidden.models import FloorPart


def _part(request: HttpRequest, floor_id: str, number: str) -> FloorPart:
    """The part of a floor this reader may see (the same 404 as the floor's for a missing one)."""
    floor = forum_queries.access_floor(request.user, floor_id)
    n = forum_queries.parse_id(number)
    part = FloorPart.objects.filter(floor=floor, number=n, kind=FloorPart.Kind.SELL).first()
    if part is None or floor.is_deleted:
        raise Http404
    part.floor = floor
    return part


def _back(part: FloorPart) -> str:
    floor = part.floor
    return floor_url(floor.thread_id, floor.number, last_floor=floor.thread.last_floor)


@require_POST
def buy(request: HttpRequest, floor_id: str, number: str) -> HttpResponse:
    part = _part(request, floor_id, number)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        purchase, made = services.part_buy(buyer=request.user, floor_id=part.floor_id, number=part.number)
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Not bought"), message=text, back=(_back(part), _("Back to the thread")))
    if made:
        kind = rules.trade_type()
        paid = kind.amount(purchase.price) if kind else str(purchase.price)
        messages.success(request, _("You bought it for %(price)s; the content is shown below.") % {"price": paid})
    else:
        messages.info(request, _("You had already bought it: nothing was charged."))
    return redirect(_back(part))


@require_GET
def buyers(request: HttpRequest, floor_id: str, number: str) -> HttpResponse:
    part = _part(request, floor_id, number)
    kind = rules.trade_type()
    return render(request, "hidden/buyers.html", {
        "part": part, "floor": part.floor, "thread": part.floor.thread, "board": part.floor.thread.board,
        "price": kind.amount(part.amount) if kind else str(part.amount),
        "rows": queries.buyers(part.floor_id, part.number),
        "back": _back(part),
    })
