"""举报: the form under a floor, and the moderators' queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.core.presence import client_address
from luntan.core.views import error_page, form_status, login_first
from luntan.forum import queries as forum_queries
from luntan.reports import queries, services
from luntan.reports.forms import ReportForm, SettleForm


def _floor_address(floor) -> str:
    return reverse("forum:floor", args=[floor.thread_id, floor.number])


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, floor_id: str) -> HttpResponse:
    floor = forum_queries.access_floor(request.user, floor_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        services.check_report(request.user, floor)
    except PermissionDenied as refusal:
        return error_page(request, status=403, title=_("Not allowed"), message=str(refusal),
                          back=(_floor_address(floor), _("Back to the thread")))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, floor=floor, reason=form.cleaned_data["reason"],
                                   text=form.cleaned_data["text"], address=client_address(request))
        except ValidationError as error:
            form.add_error("text" if error.code == "text" else None, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(_floor_address(floor))
    return render(request, "reports/report.html", {"form": form, "floor": floor, "thread": floor.thread},
                  status=form_status(form))


def _queue_page(request: HttpRequest, *, errors: dict[int, list[str]] | None = None,
                kept: dict[int, str] | None = None, status: int = 200) -> HttpResponse:
    found = queries.queue(request.user, page_raw=request.GET.get("page"))
    if found is None:
        return error_page(request, status=403, title=_("Not allowed"),
                          message=_("Only moderators see the reports."))
    return render(request, "reports/queue.html", {"queue": found, "errors": errors or {}, "kept": kept or {}},
                  status=status)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    return _queue_page(request)


@require_POST
def settle(request: HttpRequest, floor_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    floor = forum_queries.access_floor(request.user, floor_id)
    form = SettleForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _queue_page(request, errors={floor.pk: problems}, kept={floor.pk: request.POST.get("note", "")},
                           status=400)
    try:
        settled = services.report_settle(moderator=request.user, floor=floor, outcome=form.cleaned_data["outcome"],
                                         note=form.cleaned_data["note"])
    except PermissionDenied as refusal:
        return error_page(request, status=403, title=_("Not allowed"), message=str(refusal))
    except ValidationError as error:
        if error.code == "settled":
            messages.info(request, error.messages[0])
            return redirect("reports:queue")
        return _queue_page(request, errors={floor.pk: error.messages}, kept={floor.pk: form.cleaned_data["note"]},
                           status=400)
    messages.success(request, _("%(n)s report(s) settled; the reporters have been told.") % {"n": settled})
    return redirect("reports:queue")
