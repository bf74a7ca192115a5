"""Demo reactions: a month of moods on the demo threads and likes on their floors, given through the
services with the moment each happened (the services date the vote, the like and their ledger rows by it),
so daily limits and the credit rules' cycles apply as they would have."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.forum.models import Floor, Thread
from luntan.reactions import config, services

# How often the demo members pick each mood: mostly kind, a little 灌水 for the short ones.
WEIGHTS = {"精彩": 8, "感动": 3, "搞笑": 5, "开心": 6, "愤怒": 1, "无聊": 1, "灌水": 2}


def _moment(rng: random.Random, start: datetime, now: datetime) -> datetime:
    """A moment after `start` (within ten days of it) and not after `now`."""
    span = min(max((now - start).total_seconds(), 0), 10 * 86400)
    return min(start + timedelta(seconds=rng.uniform(min(60, span), span)), now)


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if len(members) < 2:
        return
    moods = config.enabled_moods()
    if not moods:
        return
    weights = [WEIGHTS.get(m.name, 1) for m in moods]
    month_ago = now - timedelta(days=30)
    threads = list(Thread.objects.filter(is_deleted=False, created_at__gte=month_ago - timedelta(days=30))
                   .order_by("-created_at")[:80])
    for thread in threads:
        voters = rng.sample(members, k=min(len(members), rng.choice([0, 1, 2, 3, 4, 6, 9])))
        for voter in voters:
            mood = rng.choices(moods, weights=weights)[0]
            try:
                services.mood_vote(member=voter, thread_id=thread.pk, mood_id=mood.id,
                                   now=_moment(rng, thread.created_at, now))
            except (PermissionDenied, ValidationError):
                continue  # the author, a group without votes, a day's limit reached: as it would have been
    floors = list(Floor.objects.filter(thread__in=threads, is_deleted=False).only("id", "created_at", "author_id"))
    for floor in floors:
        if rng.random() > 0.35:
            continue
        for fan in rng.sample(members, k=min(len(members), rng.randint(1, 5))):
            if fan.pk == floor.author_id:
                continue
            try:
                services.floor_like(member=fan, floor_id=floor.pk, now=_moment(rng, floor.created_at, now))
            except (PermissionDenied, ValidationError):
                continue
