"""The demo fills medals and items believably: medals held all three ways, items bought, effects working now."""

import random

import pytest
from factories import MemberFactory

from luntan.credits.services import credits_audit
from luntan.forum import services as forum
from luntan.items import demo as items_demo
from luntan.items.models import Effect, Inventory, Purchase
from luntan.medals import demo as medals_demo
from luntan.medals.models import MemberMedal

pytestmark = pytest.mark.django_db


def test_fill_demo_makes_medals_and_items_alive(board):
    members = MemberFactory.create_batch(8)
    for i, m in enumerate(members):
        forum.thread_create(author=m, board=board, title=f"演示主题{i}", source="内容", fmt="bbcode")
    from django.utils import timezone

    now = timezone.now()
    medals_demo.fill_demo(members=members, rng=random.Random(3), now=now)
    items_demo.fill_demo(members=members, rng=random.Random(3), now=now)
    hows = set(MemberMedal.objects.values_list("how", flat=True))
    assert hows == {MemberMedal.How.HAND, MemberMedal.How.RULE, MemberMedal.How.BOUGHT}
    assert Purchase.objects.exists() and Inventory.objects.filter(quantity__gt=0).exists()
    assert Effect.objects.filter(active=True, ends_at__gt=now).exists()
    assert credits_audit() == []
