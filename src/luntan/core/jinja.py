"""The Jinja2 environment for the site's pages: Django's URL reversing, static files, i18n and the
forum's own display filters."""

from collections.abc import Callable
from typing import Literal

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from jinja2 import Environment

from luntan.core import display
from luntan.core.holes import END_BLOCK, hole, hole_block
from luntan.core.menu import member_menu, profile_links, site_menu

_SENTINEL = 987654321
_url_patterns: dict[tuple[str, str, int], str] = {}


def url(name: str, *args, **kwargs) -> str:
    """reverse() for templates. A page links to hundreds of floors and profiles, so a URL whose arguments
    are all whole numbers is reversed once per name with a placeholder and then filled in."""
    if kwargs or not args or not all(type(a) is int for a in args):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    key = (name, get_script_prefix(), len(args))
    pattern = _url_patterns.get(key)
    if pattern is None:
        reversed_url = reverse(name, args=[_SENTINEL] * len(args))
        pattern = reversed_url.replace("%", "%%").replace(str(_SENTINEL), "%d")
        if pattern.count("%d") != len(args):  # the placeholder is not plainly in the URL: no shortcut
            return reverse(name, args=args)
        _url_patterns[key] = pattern
    return pattern % args


def id_url(name: str) -> Callable[[int], str]:
    """url(name, id) for a link repeated down a page (one under each floor): the address is looked up once
    per page, and each floor only puts its id in."""
    pattern = url(name, _SENTINEL).replace("%", "%%").replace(str(_SENTINEL), "%d")
    if pattern.count("%d") != 1:  # the id is not plainly in the address: reversed each time
        return lambda pk: url(name, pk)
    return pattern.__mod__


_translated: dict[tuple[str | None, str, str], str] = {}


def _gettext(message: str) -> str:
    """Django's gettext, remembered per language: a page asks for the same few dozen words on every view,
    and each of Django's lookups goes through several context-local variables."""
    key = (translation.get_language(), "", message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = translation.gettext(message)
    return found


def _pgettext(context: str, message: str) -> str:
    key = (translation.get_language(), context, message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = translation.pgettext(context, message)
    return found


def page_language() -> str:
    """The active language as an HTML lang tag in its usual spelling (zh-Hans, en): screen readers pick
    their voice by it, and some only know the conventional casing."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE).replace("_", "-")


Limit = Literal["MAX_BODY_CHARS", "MAX_TITLE_CHARS", "USERNAME_MIN_CHARS", "USERNAME_MAX_CHARS",
                "MAX_SIGNATURE_CHARS", "MAX_PASSWORD_CHARS", "NOTICE_POLL_SECONDS"]


def limit(name: Limit) -> int:
    """One of the forum's limits, settings.LUNTAN[name], as it is now."""
    return settings.LUNTAN[name]


def environment(**options) -> Environment:
    options.setdefault("extensions", [])
    options["extensions"] = [*options["extensions"], "jinja2.ext.i18n"]
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - Django's Jinja2 backend turns autoescape on
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, translation.ngettext, newstyle=True, pgettext=_pgettext, npgettext=translation.npgettext,
    )
    env.globals.update(
        url=url, static=static, hole=hole, hole_block=hole_block, end_block=END_BLOCK,
        get_language=translation.get_language, limit=limit,
        page_language=page_language, site_menu=site_menu, member_menu=member_menu, profile_links=profile_links,
        site_name=settings.LUNTAN["SITE_NAME"],
    )
    env.filters.update(
        floor_label=display.floor_label,
        when=display.when,
        date=display.date,
        datetime=display.datetime_full,
        hours=display.hours,
    )
    return env
