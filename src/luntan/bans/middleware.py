"""Refuses every request of a visitor under a 禁止访问 ban (by account or address range) with a page that
says so, except signing out. It reads the kept table of active bans (luntan.bans.checks): no query."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import LazyObject

from luntan.bans import checks
from luntan.core.presence import client_address


class BanMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.files = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL, "/favicon.ico")
                           if p and p.startswith("/"))
        self.open_paths: tuple[str, ...] = ()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.files):
            return self.get_response(request)
        if not self.open_paths:
            self.open_paths = (reverse("accounts:logout"),)
        # Every page reads the visitor many times (permissions, fillers, a link under each floor), and the
        # ban check below resolves it anyway: from here on request.user is the member itself, not Django's
        # lazy wrapper, whose every attribute read costs a detour (~0.3 ms on a signed-in thread page).
        if isinstance(getattr(request, "user", None), LazyObject):
            lazy: Any = request.user
            lazy.is_authenticated  # noqa: B018 - resolves the wrapper
            request.user = lazy._wrapped
        address = client_address(request)
        token = checks.current_address.set(address)
        try:
            if request.path not in self.open_paths:
                ban = checks.visit_refusal(getattr(request, "user", None), address)
                if ban is not None:
                    return render(request, "bans/refused.html",
                                  {"ban": ban, "until": checks.until_text(ban)}, status=403)
            return self.get_response(request)
        finally:
            checks.current_address.reset(token)
