"""提醒: the member's own notices. Reading the page changes nothing; marking read is a POST."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luntan.core.views import login_first
from luntan.forum.queries import parse_id
from luntan.notices import queries, services


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    found = queries.notice_page(request.user, page_raw=request.GET.get("page"))
    return render(request, "notices/index.html", {"found": found})


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    marked = services.notices_mark_read(member=request.user)
    if marked:
        messages.success(request, _("All notices are marked read."))
    return redirect("notices:index")


@require_POST
def open_notice(request: HttpRequest, notice_id: str) -> HttpResponse:
    """Marks one notice read and goes where it points (a path on this site)."""
    if not request.user.is_authenticated:
        return login_first(request)
    notice = queries.own_notice(request.user, parse_id(notice_id))
    if notice is None:
        raise Http404
    services.notices_mark_read(member=request.user, notice_ids=[notice.pk])
    target = notice.url
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return redirect("notices:index")
    return redirect(target)
