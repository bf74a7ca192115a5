"""Members' pages: register, log in and out, passwords, profiles, the member list. Views parse input, call
one service or query, and render."""


import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from luntan.accounts import avatars, queries, services, signatures
from luntan.accounts.forms import (
    AvatarForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegisterForm,
    SetPasswordForm,
    SignatureForm,
)
from luntan.accounts.groups import rules_for
from luntan.core.presence import client_address
from luntan.core.redirects import HOME, safe_next
from luntan.core.views import error_page, form_status, login_first
from luntan.protection import limits, securitylog, twofactor
from luntan.protection.challenge import Guard, needs_check
from luntan.protection.models import SecurityEvent

RESET_URL_TOKEN = "set-password"  # noqa: S105 - a placeholder in the URL, not a secret
RESET_COOKIE = "luntan_reset"
RESET_COOKIE_SALT = "luntan.accounts.password_reset"
RESET_COOKIE_AGE = 60 * 60  # time to choose a new password after opening the link
UIDB64 = re.compile(r"[0-9A-Za-z_-]{1,24}")  # what urlsafe_base64_encode makes of a member's id


def _next_url(request: HttpRequest) -> str:
    """Where to go after the form: `next` when it is a path on this site, else the home page."""
    target = safe_next(request.POST.get("next") or request.GET.get("next"))
    # Back to the page the member came from, but not round again to a members' form.
    if target.startswith(tuple(reverse(f"accounts:{n}") for n in ("login", "register", "logout"))):
        return HOME
    return target


def _status(form) -> int:
    """429 for a form refused by a rate limit (luntan.protection.throttle), else as form_status."""
    return 429 if form.has_error(NON_FIELD_ERRORS, "throttled") else form_status(form)


def _posted(request: HttpRequest):
    """The sent form, even an empty one (so that it says what is missing), or None on GET."""
    return request.POST if request.method == "POST" else None


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(_posted(request))
    guard = Guard(request, purpose="register", verify=needs_check(None, "register"))
    if request.method == "POST" and form.is_valid() and guard.passed(form):
        try:
            member = services.member_register(username=form.cleaned_data["username"],
                                              email=form.cleaned_data["email"],
                                              password=form.cleaned_data["password1"],
                                              address=client_address(request))
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            auth_login(request, member, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome to %(site)s, %(name)s!") % {
                "site": settings.LUNTAN["SITE_NAME"], "name": member.username})
            return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/register.html", {
        "form": form, "guard": guard, "next": _next_url(request), "name_min": settings.LUNTAN["USERNAME_MIN_CHARS"],
        "name_max": settings.LUNTAN["USERNAME_MAX_CHARS"],
    }, status=_status(form))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(_posted(request), request=request)
    if request.method == "POST" and form.is_valid() and form.member is not None:  # valid: the member is known
        if twofactor.enabled_for(form.member):  # not signed in yet: the code first
            return twofactor.begin_second_step(request, form.member, next_url=_next_url(request))
        auth_login(request, form.member)
        messages.success(request, _("Welcome back, %(name)s.") % {"name": form.member.username})
        return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)},
                  status=_status(form))


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
            securitylog.record(member=request.user, kind=SecurityEvent.Kind.PASSWORD_CHANGE,
                               origin=securitylog.origin(request))
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile", request.user.pk)
    return render(request, "accounts/password_change.html", {"form": form}, status=form_status(form))


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_send(
                email=form.cleaned_data["email"], address=client_address(request),
                link=lambda uidb64, token: request.build_absolute_uri(
                    reverse("accounts:password_reset_confirm", args=[uidb64, token])),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form}, status=_status(form))


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if not UIDB64.fullmatch(uidb64):
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form_path = reverse("accounts:password_reset_confirm", args=[uidb64, RESET_URL_TOKEN])
    if token != RESET_URL_TOKEN:
        # The token leaves the address bar (and any Referer) at once, for a short-lived cookie that only
        # this link's form receives. Not the session: opening a link, by anyone, writes nothing.
        response = HttpResponseRedirect(form_path)
        response.set_signed_cookie(RESET_COOKIE, token[:100], salt=RESET_COOKIE_SALT, max_age=RESET_COOKIE_AGE,
                                   path=form_path, secure=request.is_secure(), httponly=True, samesite="Lax")
        return response
    kept = request.get_signed_cookie(RESET_COOKIE, default="", salt=RESET_COOKIE_SALT, max_age=RESET_COOKIE_AGE)
    member = queries.member_from_reset_link(uidb64, kept or "")
    if member is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = SetPasswordForm(_posted(request), member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_password_set(member=member, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.apply_service_error(error)
        else:
            securitylog.record(member=member, kind=SecurityEvent.Kind.PASSWORD_RESET,
                               origin=securitylog.origin(request))
            response = redirect("accounts:password_reset_done")
            response.delete_cookie(RESET_COOKIE, path=form_path, samesite="Lax")
            return response
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "member": member},
                  status=form_status(form))


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")


def _log_in_to_change_avatar(request: HttpRequest) -> HttpResponse:
    return error_page(request, status=403, title=_("Please log in first"),
                      message=_("Please log in to change your avatar."),
                      back=(f"{reverse('accounts:login')}?next={reverse('accounts:avatar')}", _("Log in")))


@never_cache
@require_http_methods(["GET", "POST"])
def avatar(request: HttpRequest) -> HttpResponse:
    """头像: the current picture (or the card's letter), an upload form and a button to remove it."""
    if not request.user.is_authenticated:
        return login_first(request) if request.method == "GET" else _log_in_to_change_avatar(request)
    posted = request.method == "POST"
    form = AvatarForm(request.POST if posted else None, request.FILES if posted else None)
    status = form_status(form)
    if posted and form.is_valid():
        try:
            limits.enforce(limits.Action.UPLOAD, request.user, client_address(request))
            services.member_avatar_set(member=request.user, upload=form.cleaned_data["image"])
        except PermissionDenied as refusal:
            form.add_error("image", str(refusal))
            status = 403
        except ValidationError as error:
            form.add_error("image", error)
        else:
            messages.success(request, _("Your new avatar is set."))
            return redirect("accounts:avatar")
    return render(request, "accounts/avatar.html", {
        "form": form, "member": request.user, "limit_kb": avatars.limit_kb(request.user), "size": avatars.SIZE,
        "sizes": avatars.SIZES,
    }, status=status)


@require_http_methods(["GET", "POST"])
def avatar_remove(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        response = error_page(request, status=405, title=_("Remove the avatar from its page"),
                              message=_("An avatar is removed with the button on the avatar page."),
                              back=(reverse("accounts:avatar"), _("To the avatar page")))
        response["Allow"] = "POST"
        return response
    if not request.user.is_authenticated:
        return _log_in_to_change_avatar(request)
    had = bool(request.user.avatar)
    services.member_avatar_remove(member=request.user)
    if had:
        messages.success(request, _("Your avatar has been removed; the first letter of your name stands in for it."))
    return redirect("accounts:avatar")


# An avatar is a picture of our own drawing, served as nothing else: never sniffed, unable to run anything,
# not to be framed or embedded by other sites' pages.
AVATAR_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}
AVATAR_KEPT = "public, max-age=31536000, immutable"  # the version is in the address
AVATAR_MOVED = "public, max-age=60"  # a kept page a minute old may name a former version


@require_safe
def avatar_file(request: HttpRequest, uid: int, name: str) -> HttpResponse:
    """One size of a member's avatar, streamed from the storage (local disk or a private bucket) with our own
    headers. A former version's address (a kept page may be a minute old) leads to the current picture."""
    found = avatars.FILE_NAME.fullmatch(name)
    if found is None or uid > MAX_ID:
        return _no_avatar()
    version, px, extension = found.group(1), int(found.group(2)), found.group(3)
    etag = f'"{version}-{px}"'
    if etag in request.headers.get("If-None-Match", ""):  # the same address is always the same bytes
        response: HttpResponse = HttpResponseNotModified()
    else:
        try:
            with default_storage.open(f"avatars/{uid}/{name}", "rb") as stored:
                data = stored.read()
        except FileNotFoundError:
            current = queries.current_avatar(uid)
            if not avatars.VALUE.fullmatch(current) or current.startswith(version):
                return _no_avatar()
            response = HttpResponseRedirect(avatars.url(uid, current, px))
            return _with_headers(response, cache=AVATAR_MOVED)
        response = HttpResponse(data, content_type=avatars.CONTENT_TYPES[extension])
        response.headers["Content-Length"] = str(len(data))
        response.headers["Content-Disposition"] = f'inline; filename="avatar-{uid}-{px}.{extension}"'
    response.headers["ETag"] = etag
    return _with_headers(response, cache=AVATAR_KEPT)


MAX_ID = 2**63 - 1  # a larger number is nobody's, and no database column holds it


def _no_avatar() -> HttpResponse:
    """A short plain 404: nobody reads it, an <img> shows nothing."""
    return _with_headers(HttpResponseNotFound(b"", content_type="text/plain"), cache=AVATAR_MOVED)


def _with_headers(response: HttpResponse, *, cache: str) -> HttpResponse:
    for header, value in AVATAR_HEADERS.items():
        response.headers[header] = value
    response.headers["Cache-Control"] = cache
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signature(request: HttpRequest) -> HttpResponse:
    """签名: the member's signature, its markup, and how it looks under their floors."""
    if not request.user.is_authenticated:
        if request.method == "GET":
            return login_first(request)
        return error_page(request, status=403, title=_("Please log in first"),
                          message=_("Please log in to change your signature."),
                          back=(f"{reverse('accounts:login')}?next={reverse('accounts:signature')}", _("Log in")))
    member = request.user
    form = SignatureForm(_posted(request), initial={"signature": member.signature, "format": member.signature_format})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_signature_set(member=member, signature=form.cleaned_data["signature"],
                                          fmt=form.cleaned_data["format"])
        except ValidationError as error:
            fields = {"format": "format", "throttled": None}
            form.add_error(fields.get(error.code or "", "signature"), error)
        else:
            messages.success(request, _("Your signature is saved.") if member.signature
                             else _("Your signature is removed."))
            return redirect("accounts:signature")
    rules = rules_for(member)
    return render(request, "accounts/signature.html", {
        "form": form, "member": member, "most": signatures.max_chars(member), "shown": signatures.shown(member),
        "allow_links": rules.allow_links, "allow_images": rules.allow_images,
    }, status=_status(form))


@require_POST
def signature_reading(request: HttpRequest) -> HttpResponse:
    """The reader's choice: other members' signatures under the floors, or not."""
    if not request.user.is_authenticated:
        return error_page(request, status=403, title=_("Please log in first"),
                          message=_("Please log in to change your signature."),
                          back=(f"{reverse('accounts:login')}?next={reverse('accounts:signature')}", _("Log in")))
    hide = request.POST.get("hide_signatures") == "on"
    services.member_signatures_hide(member=request.user, hide=hide)
    messages.success(request, _("Signatures are now hidden in the threads you read.") if hide
                     else _("Signatures are now shown in the threads you read."))
    return redirect("accounts:signature")


@require_GET
def profile(request: HttpRequest, uid: str) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile": queries.member_profile(uid, viewer=request.user)})


@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """会员列表: anything odd in the address (?page=abc, ?sort=evil) falls back to the default."""
    found = queries.member_list(query_raw=request.GET.get("q"), sort_raw=request.GET.get("sort"),
                                dir_raw=request.GET.get("dir"), page_raw=request.GET.get("page"))
    return render(request, "accounts/members.html", {"list": found})
