"""The medals on the author card: small images named by their title, read from the member's MedalShelf
with the card members' own query (annotated), so a page of cards costs no query more."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from markupsafe import Markup

from luntan.medals import catalog
from luntan.medals.models import MedalShelf

FIELD = "card_medal_ids"
MOST_ON_CARD = 12


def annotate_shelf(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(**{FIELD: Subquery(
        MedalShelf.objects.filter(member=OuterRef("pk")).values("medal_ids")[:1])})


def parse_ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.isdigit()]


def medal_strip(ids: list[int]) -> str:
    """The held medals that are enabled, in the medals' order, as small images (alt and title: the name)."""
    table = catalog.medals()
    held = sorted((table[i] for i in set(ids) if i in table and table[i].enabled), key=lambda m: (m.order, m.id))
    if not held:
        return Markup("")
    return format_html('<span class="medal-strip">{}</span>', format_html_join(
        " ", '<img src="{}" alt="{}" title="{}" width="22" height="22" loading="lazy">',
        ((m.image_url, m.name, m.name) for m in held[:MOST_ON_CARD])))


def medal_rows(members: list) -> dict[int, list[tuple[str, str]]]:
    if not members:
        return {}
    missing = [m.pk for m in members if not hasattr(m, FIELD)]
    loaded = dict(MedalShelf.objects.filter(member_id__in=missing).values_list("member_id", "medal_ids")) \
        if missing else {}
    held: dict[int, list[int]] = {
        m.pk: parse_ids(loaded.get(m.pk) if m.pk in missing else getattr(m, FIELD)) for m in members}
    if not any(held.values()):  # no medal on the page: the medal table is not even read
        return {}
    label = gettext("Medals")
    rows: dict[int, list[tuple[str, str]]] = {}
    for uid, ids in held.items():
        strip = medal_strip(ids)
        if strip:
            rows[uid] = [(label, strip)]
    return rows
