"""The demo's online record (最高在线): a busy evening of the past month, as the presence buffer would have
noted it. Every other figure of 统计排行 comes from the demo's members and posts."""

import random
from datetime import datetime, timedelta

from luntan.stats.services import online_peak_note


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    day = now - timedelta(days=rng.randint(2, 27))
    evening = day.replace(hour=rng.randint(20, 22), minute=rng.randint(0, 59), second=0, microsecond=0)
    online_members = max(1, round(len(members) * rng.uniform(0.55, 0.8)))
    online_peak_note(members=online_members, guests=rng.randint(40, 160), at=evening)
