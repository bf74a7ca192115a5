"""Error pages in the member's language; none of them may fail itself."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.static import serve

from luntan.core.redirects import redirect_to_next, safe_next

# Uploaded files are pictures, never pages: nothing in one may run or load anything, even when opened alone.
MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def login_first(request: HttpRequest) -> HttpResponse:
    """To the login page, and back here afterwards. The login page says why from `first` in its address:
    a flash message would write a session for every guest (or image) that opens a members' page."""
    query = urlencode({"next": request.get_full_path(), "first": 1})
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")


def form_status(form) -> int:
    """400 for a sent form that is shown again with its errors, 200 for a fresh one."""
    return 400 if form.is_bound else 200


def sent_from_this_site(request: HttpRequest) -> bool:
    """Whether a browser sent this request from one of our own pages: its Fetch Metadata (Sec-Fetch-Site)
    or, from a browser too old for that, its Origin must name this site. Every browser sends one of the two
    with a form's POST; a request with neither comes from no web page (a script, curl), which no other site
    can make a reader's browser send."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}"


@csrf_exempt  # guarded by sent_from_this_site instead: see the docstring
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switches the language from the footer's form. A GET only shows that form: a link (or an [img] in a
    post) must not change how the site reads for whoever opens it. The form carries no CSRF token, so a
    guest's page needs none: a token would be a new secret and a Set-Cookie on every guest page, which the
    benchmark measured at a third of a kept page's time. Another site's form is refused by its origin."""
    if request.method == "GET":
        return render(request, "core/language.html", {"next": safe_next(request.GET.get("next"))})
    if not sent_from_this_site(request):
        return csrf_failure(request)
    response = redirect_to_next(request.POST.get("next"))
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a settings str: Lax
        )
    return response


PUBLIC_MEDIA = ("avatars/",)


@require_http_methods(["GET", "HEAD"])
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files (MEDIA_ROOT) when the site serves them itself (LUNTAN["SERVE_MEDIA"]: `make run` with
    no other web server; nginx serves them from disk in production). Django's `serve` keeps to MEDIA_ROOT
    (`..` and absolute paths are refused) and lists no folder. Avatars' names change with their picture,
    so a browser may keep them for good. Only avatars: members' attachments and pictures lie in the same
    storage but are served by their own views, which check a price or a level."""
    if not path.startswith(PUBLIC_MEDIA):
        raise Http404(path)
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response.headers["Content-Security-Policy"] = MEDIA_POLICY
    response.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if path.startswith("avatars/")
                                         else "public, max-age=3600")
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
