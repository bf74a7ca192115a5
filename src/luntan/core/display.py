"""How the forum shows numbers and times: floor labels (楼主, 沙发, 板凳, 地板, 5楼) and local times."""

from datetime import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext

_floor_names: dict[str, tuple[str, str, str, str, str]] = {}


def floor_label(number: int) -> str:
    """The name members give a floor: the first four have names of their own (楼主, 沙发, 板凳, 地板), the
    rest are counted (5楼). Translated once per language: a page shows twenty of them."""
    language = get_language()
    names = _floor_names.get(language)
    if names is None:
        names = _floor_names[language] = (
            pgettext("floor", "Original post"), pgettext("floor", "Sofa"), pgettext("floor", "Bench"),
            pgettext("floor", "Floor"), gettext("Floor %(number)s"),
        )
    if 1 <= number <= 4:
        return names[number - 1]
    return names[4] % {"number": number}


def datetime_full(value: dt | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def date(value: dt | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d")


def when(value: dt | None) -> str:
    """Recent times read as members say them (3 分钟前, 昨天 18:02); older ones as a date."""
    if value is None:
        return ""
    now = timezone.localtime()
    local = timezone.localtime(value)
    seconds = (now - local).total_seconds()
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        return gettext("%(n)s min ago") % {"n": int(seconds // 60)}
    days = (now.date() - local.date()).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return gettext("today %(time)s") % {"time": clock}
    if days == 1:
        return gettext("yesterday %(time)s") % {"time": clock}
    if days == 2:
        return gettext("the day before yesterday %(time)s") % {"time": clock}
    return local.strftime("%Y-%m-%d %H:%M")


def hours(seconds: int) -> int:
    return int(seconds or 0) // 3600
