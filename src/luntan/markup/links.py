"""The one link validator used by every path that emits ``href`` or ``src``.

Markdown links, images and autolinks, BBCode ``[url]`` and ``[img]``, and the final
nh3 pass all ask :func:`validate_link`, so a scheme cannot be allowed in one place and
refused in another (ASVS 1.2.2).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

MAX_URL_LENGTH = 2048

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# No mailto for images: a mail client is not an image source.
_IMAGE_SCHEMES = frozenset({"http", "https"})

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 controls, space, DEL and C1 controls: browsers drop or strip some of these while
# parsing a URL, which is how "java\tscript:" slips past naive checks.
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def validate_link(url: str, *, image: bool = False) -> str | None:
    """Return the URL to emit, or ``None`` when it must be shown as plain text.

    Allowed: ``http:``, ``https:``, ``mailto:`` (links only) and site-relative paths
    starting with a single ``/``. Everything else (``javascript:``, ``data:``,
    ``vbscript:``, protocol-relative ``//host``, bare words) is refused.
    """
    candidate = url.strip()
    if not candidate or len(candidate) > MAX_URL_LENGTH:
        return None
    # A raw URL with whitespace or controls is either broken or an obfuscation attempt.
    if _INVISIBLE_RE.search(candidate):
        return None
    schemes = _IMAGE_SCHEMES if image else _LINK_SCHEMES
    # Decode entities and percent-escapes once (ASVS 1.1.1) and judge both spellings:
    # the raw one is what the browser parses, the decoded one catches encoded schemes.
    decoded = _INVISIBLE_RE.sub("", unquote(html.unescape(candidate)))
    if _is_allowed(candidate, schemes) and _is_allowed(decoded, schemes):
        return candidate
    return None


def _is_allowed(url: str, schemes: frozenset[str]) -> bool:
    match = _SCHEME_RE.match(url)
    if match is not None:
        return match.group(1).lower() in schemes and len(url) > match.end()
    # Browsers read "//host" and "/\host" as another site, so only one slash may lead.
    return url.startswith("/") and url[1:2] not in ("/", "\\")
