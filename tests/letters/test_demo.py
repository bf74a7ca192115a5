"""The demo's conversations go through the services: believable, backdated, and their unread counts are what
letters_recount finds."""

import random

import pytest
from django.utils import timezone
from factories import MemberFactory

from luntan.letters import demo, services
from luntan.letters.models import Conversation, Letter

pytestmark = pytest.mark.django_db


def test_the_demo_fills_conversations_with_counts_in_step():
    members = MemberFactory.create_batch(6)
    now = timezone.now()
    demo.fill_demo(members=members, rng=random.Random(8), now=now)
    assert Conversation.objects.count() == len(demo.CONVERSATIONS)
    assert Letter.objects.count() == sum(len(lines) for _t, _s, lines in demo.CONVERSATIONS)
    assert not Letter.objects.filter(created_at__gt=now).exists()
    assert Conversation.objects.filter(last_at__lt=now).count() == len(demo.CONVERSATIONS)
    for member in members:
        member.refresh_from_db()
        kept = member.unread_messages
        assert services.letters_recount(member_id=member.pk) == kept
    assert sum(m.unread_messages for m in members) > 0
