"""Where a visitor goes after a form or a switch: a `next` they brought (a link, a hidden field) is only
ever followed to a plain path on this site. Every user-given target goes through `safe_next`, and the
redirect is made with HttpResponseRedirect: Django's `redirect()` would take a bare word such as "home"
for the name of a view and fail."""

import unicodedata

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

HOME = "/"
MAX_LENGTH = 2000  # longer than any page address here; a longer one is not a page of this site


def safe_next(raw: object, *, default: str = HOME) -> str:
    """`raw` when it is an absolute path on this site ("/board/3/?page=2"), else `default`.

    Refused: anything that does not start with a single "/" (a bare word, a scheme, "//host" and "/\\host",
    which browsers read as another site), and control characters (browsers drop tabs and newlines, so
    "/\\t/evil.example" would become "//evil.example")."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_LENGTH:
        return default
    if not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return default
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in raw):
        return default
    if not url_has_allowed_host_and_scheme(raw, allowed_hosts=set()):
        return default
    return raw


def redirect_to_next(raw: object, *, default: str = HOME) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(raw, default=default))
