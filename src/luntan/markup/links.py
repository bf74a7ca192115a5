"""The one link validator used by every path that emits ``href`` or ``src``.

Markdown links, images and autolinks, BBCode ``[url]`` and ``[img]``, and the final
nh3 pass all ask :func:`validate_link`, so a scheme cannot be allowed in one place and
refused in another (ASVS 1.2.2).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http.request import validate_host

MAX_URL_LENGTH = 2048
# Members' uploaded pictures, served by luntan.attachments (files, never pages that act): images may point there.
IMAGE_PATHS = ("/uploads/image/", "/uploads/thumb/")
# An attachment's page, where [attach]ID[/attach] links to (luntan.attachments' URL of the same shape).
ATTACHMENT_PATH = "/attachment/"

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# No mailto for images: a mail client is not an image source.
_IMAGE_SCHEMES = frozenset({"http", "https"})

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 controls, space, DEL and C1 controls: browsers drop or strip some of these while
# parsing a URL, which is how "java\tscript:" slips past naive checks.
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_ABSOLUTE_RE = re.compile(r"https?://[^/\\?#]", re.IGNORECASE)


def validate_link(url: str, *, image: bool = False) -> str | None:
    """Return the URL to emit, or ``None`` when it must be shown as plain text.

    Allowed: ``http:``, ``https:``, ``mailto:`` (links only) and site-relative paths
    starting with a single ``/``. Everything else (``javascript:``, ``data:``,
    ``vbscript:``, protocol-relative ``//host``, bare words) is refused. An image is
    stricter still, see :func:`_is_image_source`.
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
    if not (_is_allowed(candidate, schemes) and _is_allowed(decoded, schemes)):
        return None
    if image and not (_is_image_source(candidate) and _is_image_source(decoded)):
        return None
    return candidate


def _is_allowed(url: str, schemes: frozenset[str]) -> bool:
    match = _SCHEME_RE.match(url)
    if match is not None:
        return match.group(1).lower() in schemes and len(url) > match.end()
    # Browsers read "//host" and "/\host" as another site, so only one slash may lead.
    return url.startswith("/") and url[1:2] not in ("/", "\\")


def _is_image_source(url: str) -> bool:
    """Another site's image, or an upload of ours; never another page of this site.

    Every reader's browser fetches an image with the reader's cookies, so an image of
    ``/thread/1/next/`` or ``https://our.host/lang/en/`` would make each reader act on
    this site. Uploads (under ``MEDIA_URL`` or IMAGE_PATHS) are files, so they are safe to fetch.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        return False
    if parts.scheme:
        # Browsers read "http:/x" and "https:x" as paths on the page's own site, and a backslash as a
        # slash: only the plain "scheme://host" spelling is taken as another host.
        if not _ABSOLUTE_RE.match(url):
            return False
        host = _host_as_browsers_read_it(parts.hostname or "")
        if host is None:
            return False
        if not _is_own_host(host):
            return True
    return _is_upload_path(parts.path)


def _host_as_browsers_read_it(host: str) -> str | None:
    """The host a browser would connect to: "ｌｏｃａｌｈｏｓｔ" is "localhost" (IDNA mapping),
    "127.1" and "2130706433" are "127.0.0.1". None for a host no browser would accept."""
    if ":" in host:
        return f"[{host}]"  # IPv6, spelled in brackets as in ALLOWED_HOSTS
    try:
        host = host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return None
    return _ipv4(host) or host


def _ipv4(host: str) -> str | None:
    # The WHATWG URL rules: up to four numbers (decimal, 0x hex or 0 octal), the last filling the rest.
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def _is_own_host(host: str) -> bool:
    # "*" accepts any host, so it cannot tell ours from another site's: such a site relies on the
    # Sec-Fetch-Dest check (luntan.core.middleware) alone.
    return validate_host(host, [h for h in settings.ALLOWED_HOSTS if h != "*"])


def _is_upload_path(path: str) -> bool:
    prefix = urlsplit(settings.MEDIA_URL).path or "/media/"
    # Browsers read a backslash as "/" and resolve "." and ".." (also spelled "%2e") before fetching:
    # "/media/../lang/en/" is not an upload. The decoded spelling is checked by the caller too.
    if "\\" in path or any(segment in (".", "..") for segment in path.split("/")):
        return False
    return any(path.startswith(p) and len(path) > len(p) for p in (prefix, *IMAGE_PATHS))


_ATTACH_ID_RE = re.compile(r"\s*([1-9][0-9]{0,9})\s*")


def attachment_link(inner: str) -> str | None:
    """The address of [attach]ID[/attach]'s attachment page, or None when ID is not a number."""
    match = _ATTACH_ID_RE.fullmatch(inner)
    return f"{ATTACHMENT_PATH}{match.group(1)}/" if match else None


def attachment_html(address: str) -> str:
    """The link an [attach] token becomes, in any language: 📎 and the attachment's number; its name, size and
    price are listed under the floor (luntan.attachments)."""
    number = address.removeprefix(ATTACHMENT_PATH).rstrip("/")
    return f'<a href="{html.escape(address)}">\U0001f4ce{html.escape(number)}</a>'
