"""The index of floors' words, for the database in use: an FTS5 virtual table on SQLite, a table with a
tsvector and a GIN index on PostgreSQL. Nothing for other vendors (they search with LIKE)."""

from django.db import migrations

SQLITE = ("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, title_parts, body_parts, author, "
          "tokenize = \"unicode61 remove_diacritics 0 tokenchars '._+#-@&'\")")
# No foreign key to forum_floor: a purge sends text_changed, which drops the rows (and a FK would stop the
# test runner's TRUNCATE of forum_floor).
POSTGRES = ("CREATE TABLE search_floorindex (floor_id bigint PRIMARY KEY, doc tsvector NOT NULL)",
            "CREATE INDEX search_floorindex_doc ON search_floorindex USING gin (doc)")


def create(apps, schema_editor):
    if schema_editor is None:  # the test runner's replay of the migrations' rows: no rows here
        return
    vendor = schema_editor.connection.vendor
    statements = (SQLITE,) if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else ()
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_floorindex")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("forum", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
