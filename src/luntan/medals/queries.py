"""Reads for the medals page: the kept medal table, how many hold each (one query) and the reader's own
medals (one query)."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from luntan.credits import config
from luntan.medals import catalog
from luntan.medals.models import Medal, MemberMedal


def how_to_get(medal: catalog.MedalInfo) -> list[str]:
    """What earns the medal, in the reader's words: the rule, the price, or the administrator's hand."""
    n = medal.threshold
    rule_text: str | None = {
        Medal.Rule.POSTS: _("Earned at %(n)s posts"),
        Medal.Rule.THREADS: _("Earned at %(n)s threads"),
        Medal.Rule.DIGESTS: _("Earned at %(n)s digest threads"),
        Medal.Rule.SOFAS: _("Earned at %(n)s sofas (second floors of a thread)"),
        Medal.Rule.CREDIT_TOTAL: _("Earned at %(n)s total credits"),
        Medal.Rule.CHECKIN_STREAK: _("Earned by checking in %(n)s days in a row"),
        Medal.Rule.CHECKIN_DAYS: _("Earned by checking in on %(n)s days"),
    }.get(Medal.Rule(medal.rule) if medal.rule in Medal.Rule.values else Medal.Rule.NONE)
    ways = [rule_text % {"n": n}] if rule_text else []
    kind = config.credit_types().get(medal.price_type_id or 0)
    if medal.for_sale and kind is not None and kind.enabled:
        ways.append(_("For sale: %(price)s of %(type)s") % {"price": kind.amount(medal.price), "type": kind.name})
    return ways or [_("Granted by the administrators")]


@dataclass
class MedalRow:
    medal: catalog.MedalInfo
    ways: list[str]
    holders: int
    mine: bool
    buyable: bool
    price: str


def medal_page(member) -> list[MedalRow]:
    shown = [m for m in catalog.medals().values() if m.enabled]
    counts = dict(MemberMedal.objects.filter(medal__enabled=True).values("medal_id").annotate(n=Count("id"))
                  .values_list("medal_id", "n").order_by())
    mine = set(MemberMedal.objects.filter(member_id=member.pk).values_list("medal_id", flat=True)) \
        if member.is_authenticated else set()
    types = config.credit_types()
    rows = []
    for m in shown:
        kind = types.get(m.price_type_id or 0)
        buyable = m.for_sale and kind is not None and kind.enabled
        rows.append(MedalRow(medal=m, ways=how_to_get(m), holders=counts.get(m.id, 0), mine=m.id in mine,
                             buyable=buyable, price=kind.amount(m.price) + " " + kind.name if buyable and kind else ""))
    return rows
