"""The search index and its upkeep. (The engine part of the search issue fills this in; for now the LIKE
backend needs no index.)"""

from typing import Any


def add_arguments(parser) -> None:
    pass


def reindex(progress=None) -> int:
    """Rebuilds the whole index; returns the number of floors indexed. `progress(done, total)` is called as
    it goes."""
    return 0


def run(stdout, **options: Any) -> None:
    stdout.write(f"{reindex()} floors indexed")
