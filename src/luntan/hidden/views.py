"""Buying a paid part (POST, then back to its floor with a message) and a part's buyers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.core.views import error_page, login_first
from luntan.credits import config
from luntan.forum import queries as forum_queries
from luntan.forum.views import floor_url
from luntan.hidden import queries, rules, services
from luntan.hidden.models import FloorPart
from luntan.markup.conditions import WHOLE


def _part(request: HttpRequest, floor_id: str, number: str | int) -> FloorPart:
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
    if part.number == WHOLE:
        raise Http404  # a thread price is bought on its own page (thread_buy), which confirms the price
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


@require_http_methods(["GET", "POST"])
def thread_buy(request: HttpRequest, floor_id: str) -> HttpResponse:
    """购买主题: the price, what the author gets and the reader's balance before and after, then the purchase (a
    POST carrying the price the reader saw: a price changed meanwhile is shown again, not charged)."""
    part = _part(request, floor_id, WHOLE)
    if not request.user.is_authenticated:
        return login_first(request)
    problem = ""
    if request.method == "POST":
        raw = request.POST.get("price", "")
        seen = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else -1  # the price confirmed
        try:
            purchase, made = services.part_buy(buyer=request.user, floor_id=part.floor_id, number=WHOLE,
                                               expected_price=seen)
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not bought"), message=str(error),
                              back=(_back(part), _("Back to the thread")))
        except ValidationError as error:
            problem = " ".join(error.messages)
            part.refresh_from_db(fields=["amount", "buyer_count"])
        else:
            if made:
                messages.success(request, _("You bought this thread for %(price)s.")
                                 % {"price": config.price_text(purchase.price)})
            else:
                messages.info(request, _("You had already bought it: nothing was charged."))
            return redirect(_back(part))
    return render(request, "hidden/thread_buy.html", {
        "sale": queries.thread_sale(request.user, part), "part": part, "floor": part.floor,
        "thread": part.floor.thread, "board": part.floor.thread.board, "problem": problem, "back": _back(part),
    }, status=400 if problem else 200)
