"""Error pages in the member's language; none of them may fail itself."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


def login_first(request: HttpRequest) -> HttpResponse:
    """To the login page, and back here afterwards. The login page says why from `first` in its address:
    a flash message would write a session for every guest (or image) that opens a members' page."""
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path(), 'first': 1})}")


def form_status(form) -> int:
    """400 for a sent form that is shown again with its errors, 200 for a fresh one."""
    return 400 if form.is_bound else 200


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switches the language with a plain link, so that a guest's page needs no form token and stays
    cacheable. A language choice changes nothing but how pages read, so a link is safe to follow."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", httponly=True)
    return response


def error_page(request: HttpRequest, *, status: int, title: str, message: str,
               back: tuple[str, str] | None = None) -> HttpResponse:
    """A short page saying what happened; `back` is a (url, label) link to where the visitor came from."""
    return render(request, "core/message.html", {"title": title, "message": message, "back": back}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request, status=403, title=_("The form has expired"),
        message=_("This page was open too long or your session changed. Go back, reload the page and send "
                  "again; what you typed is still in the form when you go back."),
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, status=400, title=_("Bad request"),
                      message=_("The request could not be understood."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("You may not do this.")
    return error_page(request, status=403, title=_("Not allowed"), message=message)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, status=404, title=_("Not found"),
                      message=_("This page does not exist or has been removed."))


def server_error(request: HttpRequest) -> HttpResponse:
    # A page of its own with no menu: whatever broke may be what the menu needs.
    return render(request, "core/server_error.html", {
        "title": _("Something went wrong"), "message": _("The error has been logged. Please try again in a moment."),
    }, status=500)
