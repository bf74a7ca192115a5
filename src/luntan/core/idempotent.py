"""Creates that happen once per (member, submission key): a form carries a hidden key, so a double click
or a resent request returns what the first one made instead of making it twice."""

import functools
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError


def idempotent(replayed: Callable[[Any, str | None], Any]):
    """A decorator for a create service `write(*, author, submission_key, ...)` that stores its key under a
    unique (member, key) constraint; `replayed(author, key)` finds what a key already made, or None."""

    def decorate(write):
        @functools.wraps(write)
        def wrapper(*, author, submission_key: str | None = None, **kwargs):
            key = (submission_key or "")[:64] or None
            replay = replayed(author, key)
            if replay is not None:
                return replay
            try:
                return write(author=author, submission_key=key, **kwargs)
            except IntegrityError:  # the same key, committed a moment ago by the other request
                replay = replayed(author, key)
                if replay is None:
                    raise
                return replay

        return wrapper

    return decorate
