"""A month of the lucky wheel for `luntan demo`: the demo members spin on most days through the services
(so the ledger, the allowance and the stock are real), backdated to when they spun; a few of them chose
their own client seed and later rotated it, so the verification page has real spins to check."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from luntan.accounts.groups import rules_for
from luntan.wheel import services

DAYS = 30
CLIENT_SEEDS = ["xiaoming-2026", "lucky_888", "qiuqiu.zhongjiang", "hao-yun-lai", "tiantian_xiangshang"]


def _moment(rng: random.Random, day: datetime, now: datetime) -> datetime:
    """A time on `day` when people are awake (8:00 to 23:30), never in the future."""
    local = timezone.localtime(day).replace(hour=8, minute=0, second=0, microsecond=0)
    moment = local + timedelta(minutes=rng.uniform(0, 15.5 * 60))
    return min(moment, now - timedelta(minutes=rng.uniform(1, 30)))


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    players = [m for m in members if rules_for(m).wheel_spins_per_day > 0]
    if not players:
        return
    keen = {m.pk: rng.uniform(0.1, 0.5) for m in players}  # how often each one comes to spin
    rotators = rng.sample(players, k=min(len(players), len(CLIENT_SEEDS)))
    events: list[tuple[datetime, int, str, object]] = []
    for back in range(DAYS, -1, -1):
        day = now - timedelta(days=back)
        for member in players:
            if rng.random() < keen[member.pk]:
                for _ in range(rng.randint(1, 2)):
                    events.append((_moment(rng, day, now), member.pk, "spin", member))
    for i, member in enumerate(rotators):
        # an own client seed early in the month, then a rotation that reveals the seed used since
        events.append((now - timedelta(days=DAYS - 2, hours=rng.uniform(0, 12)), member.pk, "seed", CLIENT_SEEDS[i]))
        events.append((now - timedelta(days=rng.uniform(1, 10)), member.pk, "seed", None))
    events.sort(key=lambda e: (e[0], e[1]))
    for n, (moment, _pk, kind, what) in enumerate(events):
        member = next(m for m in players if m.pk == _pk)
        try:
            if kind == "seed":
                services.seed_rotate(member=member, client_seed=what if isinstance(what, str) else None, now=moment)
            else:
                services.wheel_spin(member=member, submission_key=f"demo-{n:08d}", now=moment)
        except (ValidationError, PermissionDenied):
            continue  # out of spins for the day, or out of 财富: as on a real site
