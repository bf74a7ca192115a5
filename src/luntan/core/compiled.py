"""ORM queries compiled once and then run with new values. On a page every member opens, building a small
query through the ORM costs about 25 times what running it does on SQLite (0.9 ms against 0.035 ms for the
reader's own votes and likes; docs/benchmarks.md). A `CompiledQuery` builds its query once per database,
with marker values, and afterwards only executes the SQL with the real ones.

Only for queries whose rows need no conversion by Django (ids, integers, text): the rows come back as the
database gives them. The values must be plain numbers or text that never change the query's shape (no None,
which the ORM would turn into IS NULL, and no lists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

# Two sets of marker values: the query is compiled with each, and a parameter that differs between the two
# is an argument (found by its marker), one that stays is a constant of the query itself (an annotated Value).
# Small positive numbers, valid for any integer column (the ORM refuses values out of a column's range).
MARKERS = (tuple(30_001 + n for n in range(8)), tuple(30_101 + n for n in range(8)))


class ShapeChanged(Exception):
    """The query's SQL depends on its values: it cannot be compiled once."""


class CompiledQuery:
    def __init__(self, model: type[Model], build: Callable[..., QuerySet]):
        """`build(*values)` returns the queryset for those values (a values_list, for plain rows)."""
        self.model = model
        self.build = build
        self._by_alias: dict[str, tuple[str, list[tuple[bool, Any]]]] = {}

    def _compiled(self, alias: str, arity: int) -> tuple[str, list[tuple[bool, Any]]]:
        if alias not in self._by_alias:
            (sql, params), (other_sql, other_params) = (
                self.build(*markers[:arity]).using(alias).query.get_compiler(using=alias).as_sql()
                for markers in MARKERS)
            if sql != other_sql or len(params) != len(other_params):
                raise ShapeChanged(sql)
            first = MARKERS[0][:arity]
            self._by_alias[alias] = (sql, [(False, p) if p == q else (True, first.index(p))
                                           for p, q in zip(params, other_params, strict=True)])
        return self._by_alias[alias]

    def rows(self, *values: Any) -> list[tuple]:
        alias = router.db_for_read(self.model)
        sql, params = self._compiled(alias, len(values))
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [values[p] if is_argument else p for is_argument, p in params])
            return cursor.fetchall()

    def first(self, *values: Any) -> tuple | None:
        found = self.rows(*values)
        return found[0] if found else None
