"""幸运大转盘 pages. The spin is a plain form POST (it works without JavaScript); the page it leads to shows
the result in words and draws the wheel at rest on the chosen slot, which wheel.js animates into place."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luntan.core.views import error_page, login_first
from luntan.credits import config
from luntan.wheel import queries, services
from luntan.wheel.forms import SeedForm, SpinForm, VerifyForm, new_submission_key
from luntan.wheel.models import Spin


def _page(request: HttpRequest, *, spin: Spin | None = None, spin_form: SpinForm | None = None,
          seed_form: SeedForm | None = None, error: str = "", status: int = 200) -> HttpResponse:
    row = services.wheel_settings()
    slots = queries.current_slots()
    member = request.user if request.user.is_authenticated else None
    state = queries.member_state(member, row, services.seed_current(member=member)) if member else None
    cost_type = config.credit_types().get(row.cost_type_id) if row.cost_type_id else None
    return render(request, "wheel/home.html", {
        "row": row, "odds": queries.odds(slots), "cost_type": cost_type, "state": state, "spin": spin,
        "wheel": queries.spin_wheel(spin) if spin else queries.current_wheel(slots),
        "spin_form": spin_form or SpinForm(initial={"submission_key": new_submission_key()}),
        "fresh_key": new_submission_key(), "seed_form": seed_form or SeedForm(), "error": error,
        "winners": queries.recent_winners(), "prize_text": services.prize_text,
    }, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, spin=queries.own_spin(request.user, request.GET.get("spin")))


@require_http_methods(["GET", "POST"])
def spin(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        response = error_page(request, status=405, title=_("Spin from the wheel's page"),
                              message=_("A spin is made with the button on the lucky wheel's page."),
                              back=(reverse("wheel:home"), _("To the lucky wheel")))
        response["Allow"] = "POST"
        return response
    if not request.user.is_authenticated:
        return error_page(request, status=403, title=_("Please log in first"),
                          message=_("Please log in to spin the wheel."),
                          back=(f"{reverse('accounts:login')}?next={reverse('wheel:home')}", _("Log in")))
    form = SpinForm(request.POST)
    if not form.is_valid():
        return _page(request, spin_form=form, status=400)
    try:
        result = services.wheel_spin(member=request.user, submission_key=form.cleaned_data["submission_key"])
    except PermissionDenied as refusal:
        return _page(request, error=str(refusal), status=403)
    except ValidationError as refusal:
        return _page(request, error=" ".join(refusal.messages), status=400)
    return redirect(f"{reverse('wheel:home')}?spin={result.spin.pk}#wheel")


@require_http_methods(["GET", "POST"])
def seed(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request) if request.method == "GET" else error_page(
            request, status=403, title=_("Please log in first"), message=_("Please log in to change your seeds."),
            back=(f"{reverse('accounts:login')}?next={reverse('wheel:home')}", _("Log in")))
    if request.method == "GET":
        return redirect(f"{reverse('wheel:home')}#fairness")
    form = SeedForm(request.POST)
    if not form.is_valid():
        return _page(request, seed_form=form, status=400)
    old = services.seed_current(member=request.user)
    services.seed_rotate(member=request.user, client_seed=form.cleaned_data["client_seed"])
    messages.success(request, _("Your old server seed is revealed: %(seed)s. Your next spins use a new seed.") % {
        "seed": old.server_seed})
    return redirect(f"{reverse('wheel:home')}#fairness")


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    spins, pages = queries.my_spins(request.user, request.GET.get("page"))
    return render(request, "wheel/mine.html", {"spins": spins, "pages": pages, "prize_text": services.prize_text})


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may recompute a spin: from the fields, or from a spin whose seed is revealed (?spin=ID)."""
    status, notice, recorded = 200, "", None
    data: dict | None = request.GET.dict() if request.GET.get("server_seed") else None
    if "spin" in request.GET and data is None:
        recorded = queries.public_spin(request.GET.get("spin"))
        if recorded is None:
            status, notice = 404, _("There is no spin with that number.")
        elif not recorded.seed.revealed:
            status, notice = 403, _("The server seed of this spin is still secret: its owner has not rotated it yet.")
            recorded = None
        else:
            data = {"server_seed": recorded.seed.server_seed, "client_seed": recorded.client_seed,
                    "nonce": str(recorded.nonce), "weights": ",".join(str(e["weight"]) for e in recorded.table)}
    elif data is not None and request.GET.get("spin"):
        recorded = queries.public_spin(request.GET.get("spin"))
        recorded = recorded if recorded is not None and recorded.seed.revealed else None
    form = VerifyForm(data)
    outcome = None
    if data is not None:
        if form.is_valid():
            outcome = queries.verification(form.cleaned_data, recorded)
        else:
            status = 400
    return render(request, "wheel/verify.html", {
        "form": form, "outcome": outcome, "recorded": recorded, "notice": notice,
        "examples": queries.revealed_spins(), "prize_text": services.prize_text,
    }, status=status)
