"""Warning and banning forms, and 小黑屋 (the bans in force)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.accounts.models import Member
from luntan.bans import queries, services
from luntan.bans.forms import BanForm, LiftForm, WarnForm, new_submission_key
from luntan.core.views import error_page, form_status, login_first
from luntan.forum import queries as forum_queries
from luntan.moderation.ranks import is_site_moderator, moderates_anything

ERROR_FIELDS = {"reason": "reason", "network": "network", "until": "until", "kind": "kind"}


def _refused(request: HttpRequest, refusal: PermissionDenied) -> HttpResponse:
    return error_page(request, status=403, title=_("Not allowed"), message=str(refusal))


def _member_from(raw: str | None) -> Member | None:
    if not raw:
        return None
    return Member.objects.filter(pk=forum_queries.parse_id(raw)).first()


def _apply(form, error: ValidationError) -> None:
    field = ERROR_FIELDS.get(getattr(error, "code", None) or "")
    form.add_error(field if field in form.fields else None, error)


@require_http_methods(["GET", "POST"])
def warn(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    floor = forum_queries.access_floor(request.user, request.GET["floor"]) if request.GET.get("floor") else None
    fixed = floor.author if floor is not None else None
    try:
        if floor is not None and fixed is not None:
            services.check_warn(request.user, fixed, floor)
        elif not is_site_moderator(request.user):
            raise PermissionDenied(_("Only super moderators and administrators may warn a member without "
                                     "naming a floor."))
    except PermissionDenied as refusal:
        return _refused(request, refusal)
    named = _member_from(request.GET.get("member")) if floor is None else None
    form = WarnForm(request.POST or None, fixed_member=fixed, initial={
        "submission_key": new_submission_key(), "member": named.username if named else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.warning_create(actor=request.user, member=form.cleaned_data["member"], floor=floor,
                                    reason=form.cleaned_data["reason"],
                                    submission_key=form.cleaned_data["submission_key"])
        except PermissionDenied as refusal:
            return _refused(request, refusal)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("%(name)s has been warned.") % {"name": form.cleaned_data["member"].username})
            if floor is not None:
                return redirect("forum:floor", floor.thread_id, floor.number)
            return redirect("accounts:profile", form.cleaned_data["member"].pk)
    action = reverse("bans:warn") + (f"?floor={floor.pk}" if floor is not None else "")
    return render(request, "bans/warn.html", {"form": form, "floor": floor, "fixed": fixed, "action": action},
                  status=form_status(form))


@require_http_methods(["GET", "POST"])
def ban_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    if not moderates_anything(request.user):
        return _refused(request, PermissionDenied(_("Only moderators may ban members.")))
    limited = not is_site_moderator(request.user)
    named = _member_from(request.GET.get("member"))
    form = BanForm(request.POST or None, limited=limited, initial={
        "submission_key": new_submission_key(), "member": named.username if named else "", "kind": "post"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ban = services.ban_create(actor=request.user, kind=data["kind"], reason=data["reason"],
                                      member=data["member"], network=data.get("network", ""),
                                      until=data["until_at"], submission_key=data["submission_key"])
        except PermissionDenied as refusal:
            return _refused(request, refusal)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The ban is in force: %(what)s.") % {
                "what": ban.member.username if ban.member else ban.network})
            return redirect("bans:list")
    return render(request, "bans/ban.html", {"form": form, "limited": limited}, status=form_status(form))


def _darkroom(request: HttpRequest, *, errors: dict[int, list[str]] | None = None,
              kept: dict[int, str] | None = None, status: int = 200) -> HttpResponse:
    if not moderates_anything(request.user):
        return _refused(request, PermissionDenied(_("Only moderators see the banned members.")))
    found = queries.darkroom(page_raw=request.GET.get("page"))
    lifts = {ban.pk for ban in found.bans if _may_lift(request.user, ban)}
    return render(request, "bans/list.html", {"room": found, "lifts": lifts, "errors": errors or {},
                                              "kept": kept or {}}, status=status)


def _may_lift(member, ban) -> bool:
    try:
        services.check_lift(member, ban)
    except PermissionDenied:
        return False
    return True


@require_GET
def darkroom(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    return _darkroom(request)


@require_POST
def lift(request: HttpRequest, ban_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    bid = forum_queries.parse_id(ban_id)
    form = LiftForm(request.POST)
    if not form.is_valid():
        return _darkroom(request, errors={bid: [str(e) for e in form.errors["reason"]]},
                         kept={bid: request.POST.get("reason", "")}, status=400)
    try:
        services.ban_lift(actor=request.user, ban_id=bid, reason=form.cleaned_data["reason"])
    except PermissionDenied as refusal:
        return _refused(request, refusal)
    except ValidationError as error:
        if error.code == "missing":
            raise Http404 from None
        messages.info(request, error.messages[0])
        return redirect("bans:list")
    messages.success(request, _("The ban has been lifted."))
    return redirect("bans:list")
