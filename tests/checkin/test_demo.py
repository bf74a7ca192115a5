import random

import pytest
from django.utils import timezone
from factories import MemberFactory

from luntan.checkin.demo import fill_demo
from luntan.checkin.models import CheckIn, CheckInRecord
from luntan.credits.services import credits_audit

pytestmark = pytest.mark.django_db


def test_demo_fills_a_month_with_exact_ranks_streaks_and_a_clean_ledger():
    members = MemberFactory.create_batch(6)
    fill_demo(members=members, rng=random.Random(7), now=timezone.now())
    days = CheckIn.objects.values_list("day", flat=True).distinct()
    assert len(days) >= 25
    for day in days:
        ranks = sorted(CheckIn.objects.filter(day=day).values_list("rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1))
    assert CheckInRecord.objects.filter(streak__gte=3).exists()
    assert CheckIn.objects.exclude(sentence="").exists()
    assert len(set(CheckIn.objects.values_list("mood", flat=True))) >= 5
    assert credits_audit() == []
