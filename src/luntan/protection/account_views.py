"""The member's security pages: two-factor sign-in (set-up, recovery codes, turning off), the second step of
signing in, and the member's own security log. Views parse input, call one service, and render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.core.redirects import safe_next
from luntan.core.views import form_status, login_first
from luntan.protection import securitylog, twofactor
from luntan.protection.account_forms import DisableForm, EnableForm, RenewForm, SigninCodeForm
from luntan.protection.models import TwoFactor


def _status(form) -> int:
    return 429 if form.has_error(NON_FIELD_ERRORS, "throttled") else form_status(form)


def _apply(form, error: ValidationError, field: str) -> None:
    """A service's refusal on its field (a throttle refusal above the form)."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None if error.code == "throttled" else field, error)


# --- The second step of signing in ----------------------------------------------------------------------------

@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    found = twofactor.pending(request)
    if found is None:
        messages.info(request, _("Your sign-in has expired. Please log in again."))
        return redirect("accounts:login")
    member, data = found
    form = SigninCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            used = twofactor.check_code_limited(member, form.cleaned_data["code"],
                                                origin=securitylog.origin(request))
        except ValidationError as error:
            if error.code != "throttled":
                securitylog.signin_failed(request, member=member, detail=_("wrong two-factor code"))
            _apply(form, error, "code")
        else:
            twofactor.end_second_step(request, member)
            auth_login(request, member, backend=data["backend"])
            if used == "recovery":
                messages.warning(request, _("You signed in with a recovery code; it cannot be used again."))
            messages.success(request, _("Welcome back, %(name)s.") % {"name": member.username})
            return HttpResponseRedirect(safe_next(data.get("next")))
    return render(request, "protection/signin_code.html", {"form": form, "pending_member": member},
                  status=_status(form))


# --- 两步验证 in the member's settings --------------------------------------------------------------------------

def _page(request: HttpRequest, *, enable_form=None, disable_form=None, renew_form=None, secret=None,
          notice: str = "", status=200) -> HttpResponse:
    member: Any = request.user
    row = TwoFactor.objects.filter(member_id=member.pk).first()
    next_url = safe_next(request.GET.get("next")) if request.GET.get("next") else ""
    context: dict[str, Any] = {"row": row, "notice": notice, "required": twofactor.required_for(member),
                               "next": next_url}
    if row is None:
        secret = secret or twofactor.new_secret()
        uri = twofactor.provisioning_uri(secret, account=member.username)
        context.update(
            secret=twofactor.grouped(secret), uri=uri,
            qr=twofactor.qr_svg(uri, label=_("QR code for your authenticator app")),
            form=enable_form or EnableForm(initial={"token": twofactor.setup_token(member, secret)}))
    else:
        context.update(left=twofactor.recovery_codes_left(member), disable_form=disable_form or DisableForm(),
                       renew_form=renew_form or RenewForm())
    return render(request, "protection/twofactor.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    return render(request, "protection/twofactor_codes.html", {
        "codes": codes, "first": first, "next": safe_next(request.GET.get("next")) if request.GET.get("next") else ""})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def twofactor_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    if request.method == "GET":
        return _page(request)
    form = EnableForm(request.POST)
    secret = twofactor.secret_from_token(request.user, request.POST.get("token", ""))
    if secret is None:
        return _page(request, status=400,
                     notice=_("This set-up form has expired. Scan the new QR code and enter its code."))
    if form.is_valid():
        try:
            codes = twofactor.twofactor_enable(member=request.user, secret=secret, code=form.cleaned_data["code"],
                                               origin=securitylog.origin(request))
        except ValidationError as error:
            _apply(form, error, "code")
        else:
            return _codes_page(request, codes, first=True)
    return _page(request, enable_form=form, secret=secret, status=400)


@sensitive_post_parameters("password", "code")
@never_cache
@require_POST
def twofactor_off(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = DisableForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            twofactor.twofactor_disable(member=request.user, password=form.cleaned_data["password"],
                                        code=form.cleaned_data["code"], origin=securitylog.origin(request))
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
            status = 403
        except ValidationError as error:
            _apply(form, error, "code")
        else:
            messages.success(request, _("Two-factor sign-in is off. You sign in with your password alone."))
            return redirect("security:twofactor")
    return _page(request, disable_form=form, status=_status(form) if status == 400 else status)


@sensitive_post_parameters("password")
@never_cache
@require_POST
def recovery_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = RenewForm(request.POST)
    if form.is_valid():
        try:
            codes = twofactor.recovery_codes_renew(member=request.user, password=form.cleaned_data["password"],
                                                   origin=securitylog.origin(request))
        except ValidationError as error:
            _apply(form, error, "password")
        else:
            return _codes_page(request, codes, first=False)
    return _page(request, renew_form=form, status=400)


# --- 安全日志 ----------------------------------------------------------------------------------------------------

@never_cache
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    found = securitylog.events_of(request.user, page_raw=request.GET.get("page"))
    return render(request, "protection/security_log.html", {"log": found, "summary": securitylog.agent_summary})
