"""SQLite: the FTS5 table keeps no copy of its text (content=''), which halves the index. Taking a row out of
such a table needs the values it was made from, so they are kept compressed in search_fts_source (a third
of the copy's size). The index is rebuilt from the floors. PostgreSQL is unchanged."""

from django.db import migrations

TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 tokenchars '._+#-@&'\""
CONTENTLESS = ("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, title_parts, body_parts, author, "
               f"content='', {TOKENIZE})")
SOURCE = "CREATE TABLE search_fts_source (floor_id INTEGER PRIMARY KEY, packed BLOB NOT NULL)"
WITH_CONTENT = f"CREATE VIRTUAL TABLE search_fts USING fts5(title, body, title_parts, body_parts, author, {TOKENIZE})"


def _rebuild(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM forum_floor LIMIT 1")
        if cursor.fetchone() is None:
            return
    from luntan.search import index

    index.reindex()


def forwards(apps, schema_editor):
    if schema_editor is None or schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(CONTENTLESS)
    schema_editor.execute(SOURCE)
    _rebuild(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute("DROP TABLE IF EXISTS search_fts_source")
    schema_editor.execute(WITH_CONTENT)
    _rebuild(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
