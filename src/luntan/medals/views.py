"""勋章 under 社区服务: every medal and how to get it, the reader's own marked, buy buttons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luntan.core.views import error_page, login_first
from luntan.medals import queries, services
from luntan.medals.forms import BuyForm, new_submission_key


def _page(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "medals/index.html", {
        "rows": queries.medal_page(request.user), "submission_key": new_submission_key(), "error": error,
    }, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_http_methods(["GET", "POST"])
def buy(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # a link or a reload: nothing is bought by a GET
        return redirect("medals:index")
    if not request.user.is_authenticated:
        return login_first(request)
    form = BuyForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, error=_("There is no such medal."))
    try:
        held = services.medal_buy(member=request.user, medal_id=form.cleaned_data["medal"],
                                  submission_key=form.cleaned_data["submission_key"])
    except ValidationError as refusal:
        return _page(request, status=400, error=" ".join(refusal.messages))
    except PermissionDenied as refusal:
        return error_page(request, status=403, title=_("Not allowed"), message=str(refusal))
    messages.success(request, _("You bought the medal “%(name)s”.") % {"name": held.medal.name})
    return redirect("medals:index")
