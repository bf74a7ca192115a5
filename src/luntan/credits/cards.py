"""The credits on the author card: each enabled type marked for the card, with its unit. The balances come
with the members' own query (annotated), so a page of cards costs no query more."""

from django.db.models import OuterRef, QuerySet, Subquery

from luntan.credits import config
from luntan.credits.models import Wallet


def _field(type_id: int) -> str:
    return f"card_credit_{type_id}"


def annotate_balances(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(**{
        _field(t.id): Subquery(Wallet.objects.filter(member=OuterRef("pk"), credit_type_id=t.id).values("balance")[:1])
        for t in config.card_types()})


def credit_rows(members: list) -> dict[int, list[tuple[str, str]]]:
    shown = config.card_types()
    if not shown or not members:
        return {}
    missing = [m.pk for m in members if not hasattr(m, _field(shown[0].id))]
    loaded = {(m, t): b for m, t, b in Wallet.objects.filter(
        member_id__in=missing, credit_type_id__in=[t.id for t in shown]).values_list(
        "member_id", "credit_type_id", "balance")} if missing else {}
    rows = {}
    for m in members:
        values = [getattr(m, _field(t.id), None) if m.pk not in missing else loaded.get((m.pk, t.id)) for t in shown]
        rows[m.pk] = [(t.name, t.amount(t.initial if v is None else v)) for t, v in zip(shown, values, strict=True)]
    return rows
