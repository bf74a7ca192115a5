"""Members' pages: register, log in and out, passwords, profiles. Views parse input, call one service or
query, and render."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from luntan.accounts import queries, services
from luntan.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegisterForm,
    SetPasswordForm,
)
from luntan.core.views import form_status, login_first

RESET_SESSION_KEY = "_password_reset_token"
RESET_URL_TOKEN = "set-password"  # noqa: S105 - a placeholder in the URL, not a secret


def _next_url(request: HttpRequest) -> str:
    """Where to go after the form: `next` when it stays on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        # Back to the page the member came from, but not round again to a members' form.
        if not target.startswith(tuple(reverse(f"accounts:{n}") for n in ("login", "register", "logout"))):
            return target
    return reverse("forum:home")


def _posted(request: HttpRequest):
    """The sent form, even an empty one (so that it says what is missing), or None on GET."""
    return request.POST if request.method == "POST" else None


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_register(username=form.cleaned_data["username"],
                                              email=form.cleaned_data["email"],
                                              password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            auth_login(request, member, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome to %(site)s, %(name)s!") % {
                "site": settings.LUNTAN["SITE_NAME"], "name": member.username})
            return redirect(_next_url(request))
    return render(request, "accounts/register.html", {
        "form": form, "next": _next_url(request), "name_min": settings.LUNTAN["USERNAME_MIN_CHARS"],
        "name_max": settings.LUNTAN["USERNAME_MAX_CHARS"],
    }, status=form_status(form))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(_posted(request), request=request)
    if request.method == "POST" and form.is_valid() and form.member is not None:  # valid: the member is known
        auth_login(request, form.member)
        messages.success(request, _("Welcome back, %(name)s.") % {"name": form.member.username})
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)},
                  status=form_status(form))


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("forum:home")
    if request.method == "POST":
        auth_logout(request)
        messages.success(request, _("You have logged out."))
        return redirect("forum:home")
    return render(request, "accounts/logout.html")


@sensitive_post_parameters("old_password", "password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = PasswordChangeForm(_posted(request), member=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_password_change(member=request.user,
                                            old_password=form.cleaned_data["old_password"],
                                            new_password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile", request.user.pk)
    return render(request, "accounts/password_change.html", {"form": form}, status=form_status(form))


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.password_reset_send(
            email=form.cleaned_data["email"],
            link=lambda uidb64, token: request.build_absolute_uri(
                reverse("accounts:password_reset_confirm", args=[uidb64, token])),
        )
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form}, status=form_status(form))


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != RESET_URL_TOKEN:
        # Keep the token in the session and take it out of the address bar (and any Referer) at once.
        request.session[RESET_SESSION_KEY] = token[:100]
        return redirect("accounts:password_reset_confirm", uidb64, RESET_URL_TOKEN)
    member = queries.member_from_reset_link(uidb64, request.session.get(RESET_SESSION_KEY, ""))
    if member is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = SetPasswordForm(_posted(request), member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_password_set(member=member, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "member": member},
                  status=form_status(form))


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


@require_GET
def profile(request: HttpRequest, uid: str) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile": queries.member_profile(uid)})
