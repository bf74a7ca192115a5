"""`luntan demo`: the demo site leaves indexed (its floors are written in bulk, past the index's upkeep)."""

from luntan.search import index


def fill_demo(*, members: list, rng, now) -> None:
    index.reindex()
