"""The Jinja2 environment for the site's pages: Django's URL reversing, static files, i18n and the
forum's own display filters."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from luntan.core import display


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    options.setdefault("extensions", [])
    options["extensions"] = [*options["extensions"], "jinja2.ext.i18n"]
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - Django's Jinja2 backend turns autoescape on
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True,
        pgettext=translation.pgettext, npgettext=translation.npgettext,
    )
    env.globals.update(
        url=url, static=static, get_messages=get_messages, get_language=translation.get_language, site_name=settings.LUNTAN["SITE_NAME"]
    )
    env.filters.update(
        floor_label=display.floor_label,
        when=display.when,
        date=display.date,
        datetime=display.datetime_full,
        hours=display.hours,
    )
    return env
