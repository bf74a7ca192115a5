"""The site menu (统计排行, 幸运大转盘, 每日签到 ...): each app adds its page when the page exists, from its
AppConfig.ready(), so the menu never links to a page that is not there and core knows no app."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
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
    return [(reverse(item.url_name), str(item.label)) for item in sorted(_items.values(), key=lambda i: i.order)]


_member_items: dict[str, MenuItem] = {}
# url name -> condition(member) -> bool: the link shows only to members it says yes for (moderators' tools).
_member_conditions: dict[str, Callable[..., bool]] = {}


def register_member_menu(*, order: int, url_name: str, label: str | Promise,
                         condition: Callable[..., bool] | None = None) -> None:
    """A link in a signed-in member's user box (我的积分 ...), registered as the site menu's are.
    `condition(member)`, when given, must answer without a query: it runs for every page a member reads."""
    _member_items[url_name] = MenuItem(order, url_name, label)
    if condition is not None:
        _member_conditions[url_name] = condition
    else:
        _member_conditions.pop(url_name, None)


def member_menu(member=None) -> list[tuple[str, str]]:
    """The user box's links for `member` (without one, only the links shown to every member)."""
    return [(reverse(item.url_name), str(item.label))
            for item in sorted(_member_items.values(), key=lambda i: i.order)
            if (check := _member_conditions.get(item.url_name)) is None or (member is not None and check(member))]
