import random

import pytest
from django.utils import timezone
from factories import MemberFactory

from luntan.bans import demo as bans_demo
from luntan.bans.models import Ban, MemberWarning
from luntan.reports import demo as reports_demo
from luntan.reports.models import Report

pytestmark = pytest.mark.django_db


def test_the_demo_fills_reports_warnings_and_bans(make_thread, admin):
    members = MemberFactory.create_batch(5)
    for i, m in enumerate(members):
        make_thread(by=m, title=f"演示帖{i}", replies=2)
    now = timezone.now()
    reports_demo.fill_demo(members=members, rng=random.Random(7), now=now)
    bans_demo.fill_demo(members=members, rng=random.Random(7), now=now)
    assert Report.objects.exists() and Report.objects.exclude(status="open").exists()
    assert MemberWarning.objects.count() >= 2
    assert Ban.objects.filter(network="203.0.113.0/24").exists()
