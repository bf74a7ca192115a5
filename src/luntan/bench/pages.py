"""The pages the benchmark measures, the bench member's session, and what each page costs in SQL when
rendered once inside the bench process (same settings, same database, same cache as the server)."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from dataclasses import dataclass, field
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luntan.accounts.models import Member
from luntan.bench import ceiling
from luntan.bench.site import BenchSite
from luntan.core import pagecache

ANONYMOUS = "anonymous"
MEMBER = "signed-in"
VISITORS = (ANONYMOUS, MEMBER)
CEILING = "ceiling"
CEILING_PATH = ceiling.PATH
HOST = "127.0.0.1"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@dataclass(frozen=True)
class Page:
    name: str
    path: str


@dataclass
class QueryCount:
    rendered: int  # queries of a page rendered afresh (for a guest: the page cache missed)
    cached: int  # queries of the same page asked again at once (a guest's page comes from the page cache)
    writes: list[str] = field(default_factory=list)  # any INSERT/UPDATE/DELETE a plain view made
    status: int = 200


def pages_for(site: BenchSite) -> list[Page]:
    per_page = settings.LUNTAN["FLOORS_PER_PAGE"]
    last = max((site.megathread_floors + per_page - 1) // per_page, 1)
    return [
        Page(CEILING, CEILING_PATH),
        Page("home", "/"),
        Page("board page 1", f"/board/{site.board_id}/"),
        Page("thread page 1", f"/thread/{site.thread_id}/"),
        Page("megathread first page", f"/thread/{site.megathread_id}/"),
        Page(f"megathread last page ({last})", f"/thread/{site.megathread_id}/?page={last}"),
    ]


def member_client(site: BenchSite) -> Client:
    """A client logged in as the bench member through Django's own login, so the session is a real one
    (saved by the configured session engine, readable by the server's workers)."""
    client = Client(headers={"host": HOST})
    client.force_login(Member.objects.get(pk=site.member_id))
    return client


def session_cookie(client: Client) -> str:
    """What a signed-in member's browser sends with each page: the session, and the form-token cookie the
    site gave it with its first page (without it every request would make and send a new token, which no
    browser does)."""
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        client.get("/")
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={client.cookies[name].value}" for name in names)


def _scopes(site: BenchSite) -> tuple[str, ...]:
    return ("site", f"board:{site.board_id}", f"thread:{site.thread_id}", f"thread:{site.megathread_id}")


def _writes(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


class CeilingClient:
    """Asks the ceiling's own WSGI handler, as the bench server does (the site's URLs have no ceiling)."""

    def __init__(self, cookie: str | None = None):
        self.handler = ceiling.handler()
        self.cookie = cookie

    def request(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of a GET. Like Django's test client, it keeps the database connection
        open across the request, where a server closes old ones."""
        environ = {"PATH_INFO": path, "HTTP_HOST": HOST}
        if self.cookie:
            environ["HTTP_COOKIE"] = self.cookie
        setup_testing_defaults(environ)
        started: list[tuple[str, dict[str, str]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> Callable[[bytes], object]:
            started.append((status, dict(headers)))
            return lambda data: None

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = self.handler(environ, start_response)
            content = b"".join(body)
            body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        status, headers = started[0]
        return int(status.split()[0]), headers, content

    def get(self, path: str) -> int:
        return self.request(path)[0]


def _getter(page: Page, visitor: str, member: Client) -> Callable[[str], int]:
    """GETs a path as `visitor` would on the bench server, returning the status."""
    if page.path == CEILING_PATH:
        return CeilingClient(session_cookie(member) if visitor == MEMBER else None).get
    client = member if visitor == MEMBER else Client(headers={"host": HOST})
    return lambda path: client.get(path).status_code


def count_queries(site: BenchSite, pages: list[Page], member: Client) -> dict[tuple[str, str], QueryCount]:
    """Renders every page for both visitors: once to warm up the process, then afresh (the guest page cache
    emptied by bumping its versions, as a write does), then again at once. Counts the queries of the last
    two and keeps any write they made."""
    counts: dict[tuple[str, str], QueryCount] = {}
    for page in pages:
        for visitor in VISITORS:
            get = _getter(page, visitor, member)
            get(page.path)
            pagecache.bump(*_scopes(site))  # outside a transaction this bumps at once
            with CaptureQueriesContext(connection) as fresh:
                status = get(page.path)
            with CaptureQueriesContext(connection) as again:
                get(page.path)
            counts[(page.name, visitor)] = QueryCount(
                rendered=len(fresh.captured_queries), cached=len(again.captured_queries),
                writes=_writes(fresh) + _writes(again), status=status,
            )
    return counts


def profile(path: str, client: Client, *, repeat: int = 200, top: int = 25) -> str:
    """Where the time goes on one page: cProfile over `repeat` in-process renders, by own time."""
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
