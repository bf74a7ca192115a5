"""The author card beside every floor: one component, filled for a whole page of authors at once.

Later apps add rows (credits, medals ...) by registering a provider: a function that takes the page's
members and returns {uid: [(label, value), ...]} with a constant number of queries for the whole page."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext, pgettext

from luntan.core import presence

RowProvider = Callable[[list], dict[int, list[tuple[str, str]]]]
# members -> {uid: [(address, label), ...]}: links at the foot of the card (the member's 博客 ...), from what the
# card's members were loaded with, without a query.
LinkProvider = Callable[[list], dict[int, list[tuple[str, str]]]]
Annotator = Callable[[QuerySet], QuerySet]
_providers: list[RowProvider] = []
_link_providers: list[LinkProvider] = []
_annotators: list[Annotator] = []


def register_rows(provider: RowProvider, *, annotate: Annotator | None = None) -> RowProvider:
    """`annotate`, if given, adds what the provider reads to the query that loads the card's members, so
    a page of cards stays one query; the provider must still work on members loaded without it."""
    if provider not in _providers:
        _providers.append(provider)
    if annotate is not None and annotate not in _annotators:
        _annotators.append(annotate)
    return provider


def register_links(provider: LinkProvider) -> LinkProvider:
    """Links under the card's figures; the provider reads only the members' own fields (no query)."""
    if provider not in _link_providers:
        _link_providers.append(provider)
    return provider


def card_members(queryset: QuerySet) -> QuerySet:
    """The members of some cards, with their group and whatever the row providers read."""
    queryset = queryset.select_related("group")
    for annotate in _annotators:
        queryset = annotate(queryset)
    return queryset


_labels: dict[str, dict[str, str]] = {}


def card_labels() -> dict[str, str]:
    """The card's words, translated once per language rather than once per floor."""
    language = get_language()
    found = _labels.get(language)
    if found is None:
        found = _labels[language] = {
            "about": gettext("About the author"), "online": gettext("online"), "offline": gettext("offline"),
            "level": gettext("Level"), "digest": gettext("Digest"), "posts": pgettext("card", "Posts"),
            "online_time": gettext("Online time"), "hours": gettext("%(h)s h"),
            "registered": gettext("Registered"), "last_login": gettext("Last login"),
            "stars": gettext("%(n)s stars"),
        }
    return found


@dataclass
class Card:
    member: object
    online: bool
    labels: dict[str, str]
    extra_rows: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


def build_cards(members: Iterable) -> dict[int, Card]:
    """Cards for the distinct members given (select_related their group beforehand)."""
    distinct = {m.pk: m for m in members}
    online = presence.online_ids()
    labels = card_labels()
    cards = {uid: Card(member=m, online=uid in online, labels=labels) for uid, m in distinct.items()}
    for provider in _providers:
        for uid, rows in provider(list(distinct.values())).items():
            if uid in cards:
                cards[uid].extra_rows.extend(rows)
    for link_provider in _link_providers:
        for uid, links in link_provider(list(distinct.values())).items():
            if uid in cards:
                cards[uid].links.extend(links)
    return cards
