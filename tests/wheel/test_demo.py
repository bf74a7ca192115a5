"""The demo month: spins on many days through the services, within each day's allowance, the books
balanced, and revealed seeds whose spins the verification page confirms."""

import random
from collections import Counter

from django.utils import timezone
from factories import MemberFactory

from luntan.credits.services import credits_audit
from luntan.wheel import fairness
from luntan.wheel.demo import fill_demo
from luntan.wheel.models import Seed, Spin


def test_fill_demo_makes_a_believable_verifiable_month(give, spins_per_day, client):
    spins_per_day(2)
    members = MemberFactory.create_batch(8)
    for m in members:
        give(m, 400)
    now = timezone.now()
    fill_demo(members=members, rng=random.Random(7), now=now)
    spins = list(Spin.objects.select_related("seed"))
    assert len(spins) > 50
    assert len({s.day for s in spins}) >= 25
    assert all(s.created_at <= now for s in spins)
    assert max(Counter((s.member_id, s.day) for s in spins).values()) <= 2
    revealed = [s for s in spins if s.seed.revealed]
    assert len({s.member_id for s in revealed}) >= 3
    for spin in revealed:
        result = fairness.draw(spin.seed.server_seed, spin.client_seed, spin.nonce, [e["weight"] for e in spin.table])
        assert result.index == spin.index
    assert Seed.objects.filter(client_seed="xiaoming-2026").exists()
    assert credits_audit() == []
    html = client.get("/wheel/verify/", {"spin": revealed[0].pk}).content.decode()
    assert "结果一致" in html
