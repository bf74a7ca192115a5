"""The site menu (统计排行, 幸运大转盘, 每日签到 ...): each app adds its page when the page exists, from its
AppConfig.ready(), so the menu never links to a page that is not there and core knows no app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuItem:
    order: int
    url_name: str
    label: str | Promise


_items: dict[str, MenuItem] = {}


def register_menu(*, order: int, url_name: str, label: str | Promise) -> None:
    _items[url_name] = MenuItem(order, url_name, label)


def site_menu() -> list[tuple[str, str]]:
    """[(address, label)] in menu order, the labels in the current language."""
    from luntan.core.jinja import url  # reversed once per name (core.jinja imports this module)

    return [(url(item.url_name), str(item.label)) for item in sorted(_items.values(), key=lambda i: i.order)]


_member_items: dict[str, MenuItem] = {}
# url_name -> count(member) -> a number to show beside the link, 0 for none, or None to hide the link from
# this member. Asked on every page a member opens: it must cost no query (read the member's row or a kept
# table).
_member_counts: dict[str, Callable[[Any], int | None]] = {}


def register_member_menu(*, order: int, url_name: str, label: str | Promise,
                         count: Callable[[Any], int | None] | None = None) -> None:
    """A link in a signed-in member's user box (我的积分 ...), registered as the site menu's are. `count`
    makes it conditional and numbered (提醒 (3); 举报 only for moderators)."""
    _member_items[url_name] = MenuItem(order, url_name, label)
    if count is not None:
        _member_counts[url_name] = count
    else:
        _member_counts.pop(url_name, None)
    _member_links.clear()


# (language, script prefix) -> [(address, label, counter or None)] in order: every page a member opens shows
# the box.
_member_links: dict[tuple[str | None, str], list[tuple[str, str, Callable[[Any], int | None] | None]]] = {}


def member_menu(member=None) -> list[tuple[str, str, int]]:
    """[(address, label, count)] of the links this member sees, in order; count 0 shows no number."""
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    from luntan.core.jinja import url  # reversed once per name (core.jinja imports this module)

    key = (get_language(), get_script_prefix())
    links = _member_links.get(key)
    if links is None:
        links = _member_links[key] = [
            (url(item.url_name), str(item.label), _member_counts.get(item.url_name))
            for item in sorted(_member_items.values(), key=lambda i: i.order)]
    found = []
    for address, label, counter in links:
        count = counter(member) if counter is not None and member is not None else 0
        if count is not None:
            found.append((address, label, count))
    return found


# provider(viewer, member) -> [(address, label)] of links on a member's profile for this viewer (a
# moderator's 警告 / 禁止); registered from an app's AppConfig.ready().
_profile_links: list[Callable[[Any, Any], list[tuple[str, str]]]] = []


def register_profile_link(provider: Callable[[Any, Any], list[tuple[str, str]]]) -> None:
    if provider not in _profile_links:
        _profile_links.append(provider)


def profile_links(viewer, member) -> list[tuple[str, str]]:
    return [link for provider in _profile_links for link in provider(viewer, member)]
