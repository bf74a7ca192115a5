"""My credits (/credits/) and 社区服务 (/services/): transfer and exchange. Views parse, call one service,
render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from luntan.core.views import error_page, form_status, login_first
from luntan.credits import config, queries, services
from luntan.credits.forms import ExchangeForm, TransferForm, apply_service_error, new_submission_key
from luntan.credits.models import Operation


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@never_cache
@require_GET
def my_credits(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    chosen = queries.LedgerFilter.parse(request.GET.get("type"), request.GET.get("op"))
    entries, pages = queries.ledger(request.user, chosen, request.GET.get("page"))
    types = config.credit_types()
    return render(request, "credits/my_credits.html", {
        "balances": queries.balances(request.user), "entries": entries, "pages": pages, "chosen": chosen,
        "types": types, "operations": Operation.choices, "label": queries.operation_label,
        "link": queries.subject_link,
    })


def _service_links() -> list[tuple[str, str, str]]:
    """The 社区服务 the site has: (address, name, what it is for). Medals and items appear once installed."""
    found = [
        (reverse("credits:transfer"), _("Transfer"), _("Send credits to another member.")),
        (reverse("credits:exchange"), _("Exchange"), _("Change one credit type for another at the site's rates.")),
    ]
    for name, label, text in (("medals:index", _("Medals"), _("See, earn and buy medals for your card.")),
                              ("items:shop", _("Items"), _("Cards that highlight, stick or bump your threads."))):
        try:
            found.append((reverse(name), label, text))
        except NoReverseMatch:
            pass
    return found


@never_cache
@require_GET
def services_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    return render(request, "credits/services.html", {
        "links": _service_links(), "balances": queries.balances(request.user)})


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = TransferForm(_posted(request), initial={"submission_key": new_submission_key(),
                                                   "recipient": request.GET.get("to", "")[:30]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.credit_transfer(
                sender=request.user, recipient_name=data["recipient"], credit_type_id=data["credit_type"],
                amount=data["amount"], password=data["password"], note=data["note"],
                submission_key=data["submission_key"] or None)
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            kind = config.credit_types()[data["credit_type"]]
            sent = -receipt.delta(request.user.pk, Operation.TRANSFER_OUT)
            tax = -receipt.delta(request.user.pk, Operation.TRANSFER_TAX)
            messages.success(request, _("Sent %(sent)s to %(name)s (tax %(tax)s).") % {
                "sent": kind.amount(sent), "name": data["recipient"], "tax": kind.amount(tax)})
            return redirect("credits:mine")
    econ = config.economy()
    return render(request, "credits/transfer.html", {
        "form": form, "econ": econ, "balances": queries.balances(request.user),
        "allowed": _allowed(request.user)}, status=form_status(form))


def _allowed(member) -> str:
    """Why the member may not transfer at all, or ""."""
    from luntan.accounts.groups import rules_for

    return "" if rules_for(member).allow_transfer else _("Your user group may not transfer credits.")


@never_cache
@require_http_methods(["GET", "POST"])
def exchange(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = ExchangeForm(_posted(request), initial={"submission_key": new_submission_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.credit_exchange(member=request.user, source_id=data["source"],
                                               target_id=data["target"], amount=data["amount"],
                                               submission_key=data["submission_key"] or None)
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            types = config.credit_types()
            paid = -receipt.delta(request.user.pk, Operation.EXCHANGE_OUT)
            got = receipt.delta(request.user.pk, Operation.EXCHANGE_IN)
            messages.success(request, _("Exchanged %(paid)s for %(got)s.") % {
                "paid": types[data["source"]].amount(paid), "got": types[data["target"]].amount(got)})
            return redirect("credits:mine")
    rates = [t for t in config.credit_types().values() if t.enabled and t.exchange_ratio]
    return render(request, "credits/exchange.html", {
        "form": form, "rates": rates, "balances": queries.balances(request.user)}, status=form_status(form))
