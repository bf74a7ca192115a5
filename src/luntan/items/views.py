"""道具 under 社区服务: the shop, my inventory with its use forms, and my effects still running."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luntan.accounts.models import Member
from luntan.core.display import datetime_full
from luntan.core.views import login_first
from luntan.forum.models import Thread
from luntan.items import queries, services
from luntan.items.forms import BuyForm, UseForm, new_submission_key
from luntan.items.models import Item


def _page(request: HttpRequest, *, status: int = 200, error: str = "", form=None, failed_item: int = 0,
          ) -> HttpResponse:
    return render(request, "items/shop.html", {
        "shop": queries.shop(request.user), "submission_key": new_submission_key(), "error": error,
        "form": form, "failed_item": failed_item, "kinds": Item.Kind, "colours": Thread.Highlight.choices[1:],
        "preselect": request.GET.get("thread", "")[:12],
    }, status=status)


def _member(request: HttpRequest) -> Member:
    return cast(Member, request.user)  # _posted() sent guests to the login page


def _first_error(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_GET
def shop(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _posted(request: HttpRequest) -> HttpResponse | None:
    if request.method == "GET":  # nothing is bought or used by a GET
        return redirect("items:shop")
    if not request.user.is_authenticated:
        return login_first(request)
    return None


@require_http_methods(["GET", "POST"])
def buy(request: HttpRequest) -> HttpResponse:
    early = _posted(request)
    if early is not None:
        return early
    form = BuyForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, error=_first_error(form), form=form)
    try:
        bought = services.item_buy(member=_member(request), item_id=form.cleaned_data["item"],
                                   quantity=form.cleaned_data["quantity"],
                                   submission_key=form.cleaned_data["submission_key"])
    except (ValidationError, PermissionDenied) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        return _page(request, status=400, error=text, form=form)
    messages.success(request, _("You bought %(n)s × “%(name)s”.") % {"n": bought.quantity, "name": bought.item.name})
    return redirect("items:shop")


@require_http_methods(["GET", "POST"])
def use(request: HttpRequest) -> HttpResponse:
    early = _posted(request)
    if early is not None:
        return early
    form = UseForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, error=_first_error(form), form=form)
    data = form.cleaned_data
    try:
        used = services.item_use(member=_member(request), item_id=data["item"], thread_id=data["thread"],
                                 colour=data["colour"] or "", new_name=data["new_name"] or "",
                                 submission_key=data["submission_key"])
    except (ValidationError, PermissionDenied) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        return _page(request, status=400, error=text, form=form, failed_item=data["item"])
    if used.effect is not None:
        messages.success(request, _("“%(name)s” works on your thread until %(end)s.") % {
            "name": used.use.item.name, "end": datetime_full(used.effect.ends_at)})
    else:
        messages.success(request, _("You used “%(name)s”.") % {"name": used.use.item.name})
    return redirect("items:shop")
