"""How the forum shows numbers and times: floor labels (楼主, 沙发, 板凳, 地板, 5楼) and local times."""

from datetime import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext, pgettext


def floor_label(number: int) -> str:
    """The name members give a floor: the first four have names of their own, the rest are counted."""
    if number == 1:
        return pgettext("floor", "Original post")
    if number == 2:
        return pgettext("floor", "Sofa")
    if number == 3:
        return pgettext("floor", "Bench")
    if number == 4:
        return pgettext("floor", "Floor")
    return gettext("Floor %(number)s") % {"number": number}


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
