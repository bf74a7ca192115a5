"""Pages kept whole for every reader (their reader-specific spots are holes, see luntan.core.holes),
cached under version numbers.

Every write bumps the versions of what it changed (a thread, its board, the site) after commit, so a
cached page is never served after the write that made it stale; the TTL bounds how old the parts that
change without a write to this thread (an author's online state, post count) may get."""

import hashlib
import time
import zlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from luntan.core import generation, holes, localcache


def _version_key(scope: str) -> str:
    return f"ver:{scope}"


def _read_versions(scopes: list[str]) -> list[str]:
    keys = [_version_key(s) for s in scopes]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:
        # A fresh number after an eviction, never an old one reused.
        cache.add(key, time.time_ns(), None)
        found[key] = cache.get(key)
    return [str(found[k]) for k in keys]


def versions(*scopes: str) -> str:
    """The scopes' versions. A process remembers those it read until the generation moves (every bump moves
    it, after the scopes' own versions), so a guest's thread page reads one key of the shared cache, not
    three; a bump in any process is still seen by the next request everywhere."""
    _check_generation()
    found = [_scope_versions.get(s) for s in scopes]
    if None in found:
        missing = [s for s, v in zip(scopes, found, strict=True) if v is None]
        if len(_scope_versions) > MAX_REMEMBERED_SCOPES:
            _scope_versions.clear()
        _scope_versions.update(zip(missing, _read_versions(missing), strict=True))
        found = [_scope_versions[s] for s in scopes]
    return ".".join(found)  # type: ignore[arg-type]  # none is None any more


# Moves with every bump, after the scopes' own versions: one read of it tells a process whether the versions
# it remembers (the small tables', below) may still be used.
GENERATION = _version_key("*")


def bump_now(*scopes: str) -> None:
    cache.set_many({_version_key(s): time.time_ns() for s in scopes}, None)
    shared = generation.shared()
    if shared is not None:
        shared.write(time.time_ns())  # after the versions: whoever sees it moved reads them new
    else:
        cache.set(GENERATION, time.time_ns(), None)
    new_request()  # this process checks the generation again at once


def bump(*scopes: str) -> None:
    """Marks the scopes changed once the current transaction commits."""
    transaction.on_commit(lambda: bump_now(*scopes))


_release: list[str] = []


def release() -> str:
    """Names this deployment: the hashed name of the site's stylesheet changes whenever static files do,
    so a new release never serves a cached page pointing at the previous one's files."""
    if not _release:
        _release.append(hashlib.blake2b(static("core/site.css").encode(), digest_size=4).hexdigest())
    return _release[0]


def ttl() -> int:
    return settings.LUNTAN["PAGE_CACHE_SECONDS"]


def time_bucket(name: str) -> int:
    """The current period of at most ttl() seconds for one kept thing. Each name's periods start at an
    offset of their own, so the kept pages, threads and cards do not all expire in the same second and
    make every worker render everything at once."""
    offset = zlib.crc32(name.encode()) % ttl()
    return int((time.time() + offset) // ttl())


def kept_page(request: HttpRequest, scopes: tuple[str, ...], render, *, params: dict[str, object] | None = None,
              variant: str = "", version: str | None = None) -> HttpResponse:
    """Serves a GET from the kept copy of the page, or renders and keeps it. The page may hold nothing of
    its reader but holes (luntan.core.holes), which are filled for each request; `variant` separates
    pages that differ by the kind of reader (a moderator sees deleted floors). `version`, when the caller
    has already read the scopes' versions, saves reading them again.

    `params` are the only query parameters the page reads, made sensible by the view (a page number within
    the real page count...): the page is kept under them, never under the address as typed, so that
    `?x=<anything>` or `?page=abc` cannot make a page render and be kept once per spelling."""
    if request.method != "GET":
        return render()
    query = urlencode(params or {})
    # The page and its holes see the request as its key names it: a link back to "this page" (the log-in
    # link, the language switch) must not carry one visitor's stray parameters to every reader of the page.
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
    setattr(request, "kept_path", f"{request.path}?{query}" if query else request.path)  # noqa: B010 - read by holes
    # The time bucket bounds how old the parts of a page that change without a write to it may get.
    bucket = time_bucket(request.path)
    name = f"page:{release()}:{get_language()}:{version or versions(*scopes)}:{variant}:{request.path}?{query}"
    key = f"{name}:{bucket}"
    kept = localcache.pages.get(key)  # (content, the content split at its holes)
    if kept is None:
        hit = cache.get(key)
        if hit is not None:
            kept = (hit, holes.split_holes(hit))
            localcache.pages.set(key, kept, len(hit) * 2)
    rendering = None
    if kept is None:
        # Only the page's period ran out (nothing was written to it): one process renders it again while the
        # others serve the copy of the last period they hold. Without this every worker renders the same
        # page in the same moment, and every reader queued behind them waits.
        previous = localcache.pages.get(f"{name}:{bucket - 1}")
        if previous is not None:
            rendering = f"rendering:{key}"
            if not cache.add(rendering, 1, RENDER_SECONDS):
                kept, rendering = previous, None
    if kept is not None:
        response = HttpResponse(kept[0], content_type="text/html; charset=utf-8")
        holes.add_kept_parts(response, kept[1])
    else:
        try:
            response = render()
            if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
                cache.set(key, response.content, ttl())
                localcache.pages.set(key, (response.content, holes.split_holes(response.content)),
                                     len(response.content) * 2)
        finally:
            if rendering is not None:
                cache.delete(rendering)
    patch_vary_headers(response, ["Cookie"])
    return response


RENDER_SECONDS = 10  # the longest the others serve the last period's copy while one process renders a page


KEPT_SECONDS = 24 * 3600  # a kept table is rebuilt in one query if the cache let it go


# The small tables' versions as this process last read them: a page asks for the groups, the moderators, the
# credit types ... dozens of times, and each version is a read of the shared cache. They stay valid while the
# generation (GENERATION) stays the same, which each request reads once (request_started clears `_checked`),
# as do threads outside requests (the buffers' flusher) at least every second. A member who changed a table
# in one process sees the change in their next request to any other.
_table_versions: dict[str, str] = {}
_table_scopes: set[str] = set()  # every small table's scope this process has read
_generation: list[object] = [None]  # the generation `_table_versions` were read under
_checked: list[float] = []  # when this request (or thread) last read the generation
_scope_versions: dict[str, str] = {}  # versions() as read under `_generation`: threads', boards' ...
# The small tables this request (or thread, for a second) has read: a page asks for the groups dozens of
# times; emptied whenever the generation is read again, so never older than the versions above.
_tables_now: dict[tuple[str, str], object] = {}
MAX_REMEMBERED_SCOPES = 50_000
TABLE_VERSION_SECONDS = 1.0


def new_request(**_signal) -> None:
    _checked.clear()


def _check_generation() -> None:
    now = time.monotonic()
    if _checked and now - _checked[0] <= TABLE_VERSION_SECONDS:
        return
    found = _read_generation()
    if found != _generation[0]:
        _table_versions.clear()
        _scope_versions.clear()
        _generation[0] = found
    _checked[:] = [now]
    _tables_now.clear()


def _read_generation() -> object:
    shared = generation.shared()
    if shared is not None:  # one machine: the number is in memory every process maps
        return shared.read()
    found = cache.get(GENERATION)
    if found is None:  # never bumped, or evicted: a fresh number, never an old one reused
        cache.add(GENERATION, time.time_ns(), None)
        found = cache.get(GENERATION)
    return found


def current_generation() -> object:
    """The generation as this request read it (every bump anywhere moves it)."""
    _check_generation()
    return _generation[0]


def _table_version(scope: str) -> str:
    _check_generation()
    found = _table_versions.get(scope)
    if found is None:
        # One read of the shared cache for all the small tables this process knows: a page reads several.
        _table_scopes.add(scope)
        scopes = sorted(_table_scopes)
        _table_versions.update(zip(scopes, _read_versions(scopes), strict=True))
        found = _table_versions[scope]
    return found


def table_versions(*scopes: str) -> str:
    """versions() of small tables' scopes, as this request last read them."""
    return ".".join(_table_version(s) for s in scopes)


def kept_table(scope: str, read, *, size: int = 4096, name: str = ""):
    """A small table (the groups, the credit types ...) read once per change of `scope` and kept in the
    cache and in each process's memory. Writers bump `scope` after commit; the next request names a new key,
    so no process keeps a stale copy past its next request. `name` tells apart tables under one scope."""
    _check_generation()
    found = _tables_now.get((scope, name))
    if found is not None:
        return found
    key = f"table:{scope}:{name}:{_table_version(scope)}"
    found = localcache.fragments.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = read()
            cache.set(key, found, KEPT_SECONDS)
        localcache.fragments.set(key, found, size)
    _tables_now[(scope, name)] = found
    return found
