"""`luntan search bench` (the eval part of the search issue fills this in)."""

from typing import Any


def add_arguments(parser) -> None:
    pass


def run(stdout, **options: Any) -> None:
    stdout.write("not built yet")
