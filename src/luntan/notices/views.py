"""提醒: the member's notification centre. Reading a page changes nothing; marking read, the settings and
following are POSTs. The count endpoint is what open pages poll: it reads the member's own row (the one
query of a signed-in request) and writes nothing."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.accounts.models import Member
from luntan.core.views import form_status, login_first
from luntan.forum.queries import parse_id
from luntan.notices import queries, services
from luntan.notices.forms import FollowForm, SettingsForm, safe_next
from luntan.notices.models import Kind

STOP_POLLING = 286  # htmx stops polling on this status (a member who signed out in another tab)


def badge_html(count: int) -> str:
    """What notices/_badge.html's live_badge(count) renders (a test holds them equal), made without the template
    engine: this answers every open page every few seconds, and a template costs a third of the request."""
    return format_html('<span id="notice-count" class="badge" data-poll hx-get="{}" hx-trigger="every {}s, poll-now" '
                       'hx-swap="outerHTML"{}>{}</span>', reverse("notices:count"),
                       settings.LUNTAN["NOTICE_POLL_SECONDS"], mark_safe(" hidden") if not count else "",  # noqa: S308
                       count)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    found = queries.notice_page(request.user, page_raw=request.GET.get("page"))
    return render(request, "notices/index.html", {"found": found, "labels": dict(Kind.choices)})


@require_GET
def count(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse("", status=STOP_POLLING)
    response = HttpResponse(badge_html(request.user.unread_notices))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    marked = services.notices_mark_read(member=request.user)
    if marked:
        messages.success(request, _("All notices are marked read."))
    return redirect("notices:index")


def _own(request: HttpRequest, notice_id: str):
    notice = queries.own_notice(request.user, parse_id(notice_id))
    if notice is None:
        raise Http404
    return notice


@require_POST
def mark_read(request: HttpRequest, notice_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    notice = _own(request, notice_id)
    services.notices_mark_read(member=request.user, notice_ids=[notice.pk])
    return redirect(safe_next(request.POST.get("next"), reverse("notices:index")))


@require_POST
def open_notice(request: HttpRequest, notice_id: str) -> HttpResponse:
    """Marks one notice read and goes where it points (a path on this site)."""
    if not request.user.is_authenticated:
        return login_first(request)
    notice = _own(request, notice_id)
    services.notices_mark_read(member=request.user, notice_ids=[notice.pk])
    return redirect(safe_next(notice.url, reverse("notices:index")))


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    off = services.kinds_off(request.user.pk)
    form = SettingsForm(request.POST if request.method == "POST" else None,
                        initial={"on": [k.value for k in Kind if k.value not in off]})
    if request.method == "POST" and form.is_valid():
        services.notice_settings_save(member=request.user, off=form.off())
        messages.success(request, _("Your notice settings are saved."))
        return redirect("notices:settings")
    return render(request, "notices/settings.html", {"form": form}, status=form_status(form))


@require_GET
def following(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    return render(request, "notices/following.html", {"follows": queries.follows_of(request.user)})


@require_POST
def follow_thread(request: HttpRequest, thread_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    tid = parse_id(thread_id)
    form = FollowForm(request.POST)
    back = safe_next(request.POST.get("next"), reverse("forum:thread", args=[tid]))
    if not form.is_valid():
        messages.error(request, _("Follow or unfollow?"))
        return redirect(back)
    follow = form.cleaned_data["follow"]
    if services.thread_follow(member=request.user, thread_id=tid, follow=follow):
        messages.success(request, _("You follow this thread now: each new post in it is in your notices.")
                         if follow else _("You no longer follow this thread."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def follow_member(request: HttpRequest, member_id: str) -> HttpResponse:
    """GET: the question (a profile links here); POST: follow or unfollow."""
    if not request.user.is_authenticated:
        return login_first(request)
    other = Member.objects.filter(pk=parse_id(member_id), is_active=True).first()
    if other is None:
        raise Http404
    following_now = other.pk in services.followed_ids(request.user.pk, "member")
    form = FollowForm(request.POST if request.method == "POST" else None,
                      initial={"follow": "0" if following_now else "1"})
    if request.method == "POST" and form.is_valid():
        follow = form.cleaned_data["follow"]
        try:
            changed = services.member_follow(member=request.user, followed_id=other.pk, follow=follow)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, (_("You follow %(name)s now: their new threads are in your notices.")
                                           if follow else _("You no longer follow %(name)s."))
                                 % {"name": other.username})
            return redirect(safe_next(form.cleaned_data["next"], other.get_absolute_url()))
    return render(request, "notices/follow_member.html",
                  {"other": other, "form": form, "following": following_now}, status=form_status(form))
