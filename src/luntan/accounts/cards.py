"""The author card beside every floor: one component, filled for a whole page of authors at once.

Later apps add rows (credits, medals ...) by registering a provider: a function that takes the page's
members and returns {uid: [(label, value), ...]} with a constant number of queries for the whole page."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from luntan.core import presence

RowProvider = Callable[[list], dict[int, list[tuple[str, str]]]]
_providers: list[RowProvider] = []


def register_rows(provider: RowProvider) -> RowProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


@dataclass
class Card:
    member: object
    online: bool
    extra_rows: list[tuple[str, str]] = field(default_factory=list)


def build_cards(members: Iterable) -> dict[int, Card]:
    """Cards for the distinct members given (select_related their group beforehand)."""
    distinct = {m.pk: m for m in members}
    online = presence.online_ids()
    cards = {uid: Card(member=m, online=uid in online) for uid, m in distinct.items()}
    for provider in _providers:
        for uid, rows in provider(list(distinct.values())).items():
            if uid in cards:
                cards[uid].extra_rows.extend(rows)
    return cards
