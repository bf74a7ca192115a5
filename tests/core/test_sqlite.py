"""The embedded database's cursor, which remembers each statement's text as SQLite takes it."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own cursor")
def test_a_remembered_statement_still_reads_its_own_values_and_literal_percent_signs():
    from luntan.core.sqlite.base import _converted

    sql = "SELECT %s || '%%', %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["五", 1])
        first = cursor.fetchone()
        cursor.execute(sql, ["六", 2])
        second = cursor.fetchone()
    assert (first, second) == (("五%", 1), ("六%", 2))
    assert _converted[sql] == "SELECT ? || '%', ?"
