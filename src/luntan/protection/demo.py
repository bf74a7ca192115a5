"""Protection for `luntan demo`, in the order an administrator sets it up in the first month: verification
questions, rate limits and the rules for new members, the 敏感词 list, and the protected travel board."""

import random

from luntan.protection import demo_limits, demo_questions, demo_scrape, demo_words


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    for part in (demo_questions, demo_limits, demo_words, demo_scrape):
        part.fill_demo(members=members, rng=rng, now=now)
