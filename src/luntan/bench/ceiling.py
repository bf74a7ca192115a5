"""The ceiling: a bare Django view under Django's own default middleware (the list `django-admin
startproject` writes), returning a page-sized string. It is served by the same gunicorn workers as the
pages (luntan.bench.wsgi sends its one path here), so no page can be faster on that server, and the share
of it a page reaches counts everything the site adds, its own middleware included."""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.urls import path

PATH = "/bench/ceiling/"
CEILING_BYTES = 60 * 1024
# Django 5.2's startproject settings, unchanged.
DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def _body() -> bytes:
    head = b"<!doctype html><html lang=\"zh-hans\"><head><meta charset=\"utf-8\"><title>ceiling</title></head><body>"
    tail = b"</body></html>"
    line = "<p>论坛基准测试：这是一段用来填满页面的文字。</p>\n".encode()
    room = CEILING_BYTES - len(head) - len(tail)
    filler = line * (room // len(line))
    return head + filler + b" " * (room - len(filler)) + tail


BODY = _body()


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


# This module is the ceiling's whole URLconf: the site's URLs are never consulted.
urlpatterns = [path(PATH.lstrip("/"), ceiling)]


class CeilingRequest(WSGIRequest):
    urlconf = __name__


class CeilingHandler(WSGIHandler):
    request_class = CeilingRequest


def handler() -> CeilingHandler:
    """A WSGI handler running DJANGO_DEFAULT_MIDDLEWARE around the ceiling view. Django's handler reads
    settings.MIDDLEWARE once, as it is made, so the list stands in for the site's for that moment only."""
    site_middleware = settings.MIDDLEWARE
    settings.MIDDLEWARE = DJANGO_DEFAULT_MIDDLEWARE
    try:
        return CeilingHandler()
    finally:
        settings.MIDDLEWARE = site_middleware
