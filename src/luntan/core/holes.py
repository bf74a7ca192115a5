"""Holes in kept pages: the few spots that depend on who is reading (the user box, a form's CSRF token,
flash messages, a floor's edit links) are left in a rendered page as markers and filled in per request.

A page can then be rendered once and kept, for guests and members alike, and each request only fills a
handful of small holes instead of rendering the page. The markers are HTML comments that no member can
write: every piece of member content is sanitized (comments are dropped) or escaped before it reaches a
page."""

import re
import secrets
from collections.abc import Callable
from typing import cast
from weakref import WeakKeyDictionary

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from markupsafe import Markup

from luntan.core import localcache
from luntan.core.menu import member_menu

Filler = Callable[[HttpRequest, list[str]], str]
# A block filler gets the block's kept content and returns what replaces it, or None to keep it.
BlockFiller = Callable[[HttpRequest, list[str]], str | None]
_MARK = re.compile(rb"<!--hole:([a-z_]+):([0-9,]*)-->")
_BLOCK = re.compile(rb"<!--block:([a-z_]+):([0-9,]*)-->(.*?)<!--/block-->", re.DOTALL)


def hole(name: str, *args: int) -> Markup:
    """The marker a template leaves for `name`; `args` (whole numbers) reach the filler."""
    return Markup(f"<!--hole:{name}:{','.join(str(int(a)) for a in args)}-->")  # noqa: S704 - fixed text


def hole_block(name: str, *args: int) -> Markup:
    """Opens a block: kept content that a filler may replace for one reader (the reader's own author card,
    fresh after their own action). `END_BLOCK` closes it; blocks do not nest."""
    return Markup(f"<!--block:{name}:{','.join(str(int(a)) for a in args)}-->")  # noqa: S704 - fixed text


END_BLOCK = Markup("<!--/block-->")  # noqa: S704 - fixed text


_CSRF_BASE = len(CSRF_ALLOWED_CHARS)
_CSRF_INDEX = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}


def masked_token(request: HttpRequest) -> str:
    """Django's get_token(request), the same token, with its mask drawn from one read of the system's random
    source (256 bits, cut into 32 letters) where Django reads it once per letter and looks every letter up
    by a search: 90 µs of each page a member reads. A visitor without a token gets Django's own."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != CSRF_SECRET_LENGTH or not (secret.isascii() and secret.isalnum()):
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token says: the cookie is in use
    n = int.from_bytes(secrets.token_bytes(32)) % _CSRF_BASE ** CSRF_SECRET_LENGTH  # bias below 2**-65
    mask, cipher = [], []
    for char in secret:
        n, digit = divmod(n, _CSRF_BASE)
        mask.append(CSRF_ALLOWED_CHARS[digit])
        cipher.append(CSRF_ALLOWED_CHARS[(_CSRF_INDEX[char] + digit) % _CSRF_BASE])
    return "".join(mask) + "".join(cipher)


def csrf_field(request: HttpRequest, args: list[str]) -> str:
    # One masked token serves every form of a response (masking is per response, against BREACH); a page
    # with many forms would otherwise draw a new one for each.
    secret = request.META.get("CSRF_COOKIE")  # changes when signing in rotates the token
    found = getattr(request, "_csrf_field", None)
    if found is None or found[0] != secret or secret is None:
        field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(masked_token(request))}">'
        found = request._csrf_field = (request.META.get("CSRF_COOKIE"), field)  # type: ignore[attr-defined]
        if request.COOKIES.get(settings.CSRF_COOKIE_NAME) == found[0]:
            # The browser sent this very cookie: Django would send it back on every page only to renew its
            # expiry (a year, CSRF_COOKIE_AGE); a header less on each page a member reads. A cookie that
            # runs out is made afresh by the next page.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return found[1]


# Where a kept fragment's form token goes; no member text can hold a comment (see the module's docstring).
TOKEN_MARK = "<!--csrf-input-->"  # noqa: S105 - a placeholder, not a secret


def kept_form(request: HttpRequest, key: str, template_name: str, context: dict, **blanks: str) -> str:
    """A fragment with a form, rendered once per `key` and kept in this process: only the form token (and
    each of `blanks`, {marker: value}) differs per request and is put in afterwards. `key` must name
    everything else the template reads."""
    found = localcache.fragments.get(key)
    if found is None:
        template = cast(Jinja2, engines["jinja2"]).env.get_template(template_name)
        found = template.render({**context, "request": request, "csrf_input": Markup(TOKEN_MARK)})  # noqa: S704
        localcache.fragments.set(key, found, len(found) * 2)
    found = found.replace(TOKEN_MARK, csrf_field(request, []))
    for marker, value in blanks.items():
        found = found.replace(marker, value)
    return found


def userbox(request: HttpRequest, args: list[str]) -> str:
    user = request.user
    if user.is_authenticated:
        # The member's links and their numbers (unread notices ...) are part of the kept box's name.
        items = member_menu(user)
        counts = ",".join(str(count) for _address, _label, count in items)
        avatar = getattr(user, "avatar", "")  # the picture beside the name: its version is in the key too
        return kept_form(request, f"userbox:m:{get_language()}:{user.pk}:{user.get_username()}:{avatar}:"
                                  f"{len(items)}:{counts}",
                         "core/_userbox.html", {"items": items})
    # A guest's box only changes with the page it links back to. Only a kept page's box is kept: its
    # address is the page's key, made sensible (luntan.core.pagecache), while any other page's address is
    # whatever the visitor typed.
    kept_path = getattr(request, "kept_path", None)
    if kept_path is None:
        return render_to_string("core/_userbox.html", request=request)
    key = f"userbox:{get_language()}:{kept_path}"
    found = localcache.fragments.get(key)
    if found is None:
        found = render_to_string("core/_userbox.html", request=request)
        localcache.fragments.set(key, found, len(found) * 2)
    return found


def messages(request: HttpRequest, args: list[str]) -> str:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return ""
    # Messages wait in a cookie or the session (Django's fallback storage) or were added just now: a
    # visitor with neither cookie and nothing new has none, and the stores need not be read.
    if (not getattr(storage, "_queued_messages", True) and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES):
        return ""
    if not storage:
        return ""
    return render_to_string("core/_messages.html", {"messages": list(storage)})


SITE_FILLERS: dict[str, Filler] = {"csrf": csrf_field, "userbox": userbox, "messages": messages}


# Each response's own fillers, beside it rather than on it (HttpResponse has no place for them); gone with it.
_page_fillers: WeakKeyDictionary[HttpResponse, dict[str, Filler]] = WeakKeyDictionary()


_block_fillers: WeakKeyDictionary[HttpResponse, dict[str, BlockFiller]] = WeakKeyDictionary()
# A kept page's content already split at its holes (luntan.core.pagecache keeps the split with the page), so
# a request fills the holes without searching the page for them again.
_kept_parts: WeakKeyDictionary[HttpResponse, list[bytes]] = WeakKeyDictionary()


def split_holes(content: bytes) -> list[bytes]:
    """[text, name, args, text, name, args, ..., text]: the content cut at its holes' markers."""
    return _MARK.split(content)


def add_kept_parts(response: HttpResponse, parts: list[bytes]) -> HttpResponse:
    """Tells the hole filler that `parts` (split_holes of the response's content) describe it."""
    _kept_parts[response] = parts
    return response


def add_fillers(response: HttpResponse, **fillers: Filler) -> HttpResponse:
    """Fillers for the holes a particular page leaves (a thread's edit links)."""
    _page_fillers[response] = {**_page_fillers.get(response, {}), **fillers}
    return response


def add_block_fillers(response: HttpResponse, **fillers: BlockFiller) -> HttpResponse:
    """Fillers for the blocks a particular page leaves; a block without one keeps its content. A page whose
    response gets no block filler is not searched for blocks at all."""
    _block_fillers[response] = {**_block_fillers.get(response, {}), **fillers}
    return response


# Splices: many small per-view insertions at markers of one kind (a protected post's line ends: a hundred on a
# page). A hole each would cost a filler call each; a splice is one function over the page. `kept`, when given,
# does the same to a kept page's parts before its holes are filled (they are the same objects request after
# request, so it may keep work done on them); `splice` does it to the finished content otherwise.
Splice = Callable[[bytes], bytes]
KeptSplice = Callable[[list[bytes]], list[bytes]]
_splices: WeakKeyDictionary[HttpResponse, list[tuple[Splice, KeptSplice | None]]] = WeakKeyDictionary()


def add_splice(response: HttpResponse, splice: Splice, *, kept: KeptSplice | None = None) -> HttpResponse:
    """Changes the page at its own markers, which must be comments (as holes are: no member can write one)."""
    _splices.setdefault(response, []).append((splice, kept))
    return response


def same_for_every_guest(response: HttpResponse) -> HttpResponse:
    """Says that this page's fillers give every guest the same thing (a guest's thread page: the user box
    for its address, the hidden parts' notices): a guest who sends no cookie then gets the holes of a kept
    page as the previous such guest got them, filled once per kept page and generation (see _guest_fill)."""
    _same_for_guests[response] = True
    return response


_same_for_guests: WeakKeyDictionary[HttpResponse, bool] = WeakKeyDictionary()
# id(kept parts) -> (the kept parts, the generation they were filled under, [the filled page]); a few pages.
_guest_filled: dict[int, tuple[list[bytes], object, list[bytes]]] = {}
GUEST_FILLED_PAGES = 16


def _fill_blocks(request: HttpRequest, content: bytes, fillers: dict[str, BlockFiller]) -> bytes:
    def fill(match: re.Match) -> bytes:
        filler = fillers.get(match.group(1).decode())
        if filler is None:
            return match.group(3)
        args = match.group(2).decode().split(",") if match.group(2) else []
        found = filler(request, args)
        return match.group(3) if found is None else found.encode()

    return _BLOCK.sub(fill, content)


class HoleMiddleware:
    """Fills every hole of an HTML response. Listed after the CSRF, session, auth and message middleware, so
    those see the token, the user and the messages used here on the response's way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        splices = _splices.pop(response, None)
        blocks = _block_fillers.pop(response, None)
        parts = _kept_parts.pop(response, None)
        if parts is not None and not blocks and _same_for_guests.pop(response, False) and not request.COOKIES:
            parts = self._guest_fill(request, response, parts)
        if blocks:  # a block without a filler keeps its content (and its markers, which are comments)
            response.content = _fill_blocks(request, response.content, blocks)
            parts = None  # the content changed: the kept page's parts no longer describe it
        if splices and parts is not None and all(kept for _splice, kept in splices):
            for _splice, kept in splices:
                parts = kept(parts)  # type: ignore[misc]
            splices = None
        self._fill(request, response, parts)
        if splices:
            content = response.content
            for splice, _kept in splices:
                content = splice(content)
            response.content = content
        return response

    def _guest_fill(self, request: HttpRequest, response: HttpResponse, parts: list[bytes]) -> list[bytes]:
        """The kept page's parts with its holes filled, as one part: the same for every guest without a
        cookie while the page is kept and nothing was written (the generation, luntan.core.pagecache). The
        splices (a protected page's noise and mark) still differ per view. A page whose filling asked for a
        form token (which sets the visitor's cookie) is filled per request."""
        from luntan.core import pagecache  # it imports this module

        generation = pagecache.current_generation()
        entry = _guest_filled.get(id(parts))
        if entry is not None and entry[0] is parts and entry[1] == generation:
            _page_fillers.pop(response, None)
            return entry[2]
        had_token = "CSRF_COOKIE" in request.META
        self._fill(request, response, parts)
        filled = [response.content]
        if "CSRF_COOKIE" in request.META and not had_token:
            return filled  # a new visitor's token: never given to the next guest
        while len(_guest_filled) >= GUEST_FILLED_PAGES:
            _guest_filled.pop(next(iter(_guest_filled)), None)
        _guest_filled[id(parts)] = (parts, generation, filled)
        return filled

    def _fill(self, request: HttpRequest, response: HttpResponse, parts: list[bytes] | None) -> HttpResponse:
        if parts is None:
            if b"<!--hole:" not in response.content:
                return response
            parts = split_holes(response.content)
        fillers = {**SITE_FILLERS, **_page_fillers.pop(response, {})}
        out = []
        for i, part in enumerate(parts):
            if i % 3 == 0:
                out.append(part)
            elif i % 3 == 1:
                filler = fillers.get(part.decode())
                if filler is not None:
                    args = parts[i + 1].decode().split(",") if parts[i + 1] else []
                    out.append(filler(request, args).encode())
        response.content = b"".join(out)
        return response
