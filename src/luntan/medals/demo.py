"""Demo medals: a month of medals held by the demo members, some earned by the rules, some bought, some
given by hand, through the services (luntan demo calls fill_demo after the forum and the credits)."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from luntan.accounts.models import Member
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members
from luntan.medals import catalog, services
from luntan.medals.models import MemberMedal

HAND_REASONS = ["管理版块兢兢业业,特此表彰", "组织线下聚会,辛苦了", "热心解答新人问题"]


def _top_up(member: Member, type_id: int, need: int) -> None:
    """Enough credits for a purchase, written to the ledger as an administrator's change would be."""
    credit_apply(changes=[Change(member.pk, type_id, need)], operation=Operation.ADJUST, subject_kind="demo",
                 note="演示数据:补足财富")


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if not members:
        return
    table = list(catalog.medals().values())
    members = sorted(members, key=lambda m: m.pk)
    # Earned: the forum's own figures, and check-in streaks for a few regulars.
    for m in members:
        m.refresh_from_db()
        figures = {"posts": m.post_count, "threads": m.thread_count, "digests": m.digest_count,
                   "credit_total": m.credit_total}
        if rng.random() < 0.4:
            figures |= {"checkin_streak": rng.randint(7, 30), "checkin_days": rng.randint(10, 60)}
        services.medals_award_earned(member_id=m.pk, figures=figures)
    # Bought: a few members who spend their coins on the medal for sale.
    for medal in [t for t in table if t.enabled and t.for_sale]:
        for m in rng.sample(members, k=min(len(members), 3)):
            assert medal.price_type_id is not None  # noqa: S101 - for_sale
            _top_up(m, medal.price_type_id, medal.price)
            services.medal_buy(member=m, medal_id=medal.id, submission_key=f"demo-medal-{medal.id}-{m.pk}")
    # By hand: the honour medal for one or two members.
    hand_only = [t for t in table if t.enabled and not t.rule and not t.for_sale]
    for medal in hand_only:
        for m in rng.sample(members, k=min(len(members), 2)):
            with transaction.atomic():
                lock_members([m.pk])
                services._give(m.pk, [medal.id], how=MemberMedal.How.HAND, reason=rng.choice(HAND_REASONS))
    # Spread the dates over the month.
    for held in MemberMedal.objects.filter(member__in=members):
        MemberMedal.objects.filter(pk=held.pk).update(
            granted_at=now - timedelta(days=rng.randint(0, 29), hours=rng.randint(0, 23)))
