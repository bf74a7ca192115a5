"""Site-wide response headers and the buffered record of who is online."""

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from luntan.core import presence

# No inline script or style anywhere on the site: a member's text that slips a <script> past the
# sanitizer still cannot run. Remote images are allowed because members post them with [img].
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https: http:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Path prefixes of files other apps serve that pages may fetch as images (members' uploaded pictures):
# register_file_path() from an AppConfig.ready().
FILE_PATHS: list[str] = []


def register_file_path(prefix: str) -> None:
    if prefix not in FILE_PATHS:
        FILE_PATHS.append(prefix)


class FetchDestinationMiddleware:
    """Pages are for reading, not for fetching as an image, a script, a style sheet or a frame: a browser
    then sends the reader's cookies, so an <img> on another site (or one a member managed to post here)
    pointing at one of our pages would act as the reader. Browsers say what a request is for in
    Sec-Fetch-Dest; anything but a page ("document") or our own scripts' fetch ("empty", as htmx sends) is
    refused before any work, except for the files that are meant to be fetched that way. Browsers send the
    header only to HTTPS sites and localhost; without it the request goes through, and the markup's own
    rule (images are other sites' or our uploads) still holds."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.files = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL, "/favicon.ico", *FILE_PATHS)
                           if p and p.startswith("/"))

    @functools.cached_property
    def admin_catalog(self) -> str:
        try:
            return reverse("admin:jsi18n")
        except NoReverseMatch:
            return ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        destination = request.META.get("HTTP_SEC_FETCH_DEST")
        if (destination is None or destination == "document"
                # A script's fetch, from our own pages only: another site's script has no business here.
                or (destination == "empty" and request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin")
                or request.path.startswith(self.files)
                # The admin's translation catalog is a script its own pages load (a GET that changes nothing).
                or (destination == "script" and request.path == self.admin_catalog
                    and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin")):
            return self.get_response(request)
        # Plain text, no template: nobody reads it, and refusing must cost less than serving.
        return HttpResponseForbidden(b"Not a page for this kind of request.", content_type="text/plain")


class PresenceMiddleware:
    """Notes that a member or a guest is here. It writes to the cache at most once a minute per visitor and
    never to the database; `luntan writebuffers` (run by `luntan serve`) carries the figures over."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Files are not visits: a page with twenty avatars is one.
        self.files = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.startswith("/"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Noted before the page is made, so that the page a member opens already counts them online.
        if request.method == "GET" and not request.path.startswith(self.files):
            presence.seen(request)
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the visitor chose another language with the switch in the footer (a cookie).
    The browser's Accept-Language is not followed: a Chinese forum reads in Chinese on any computer, and
    a guest page is then the same for every guest, which keeps the page cache small."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
