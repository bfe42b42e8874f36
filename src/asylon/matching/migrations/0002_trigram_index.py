"""A trigram index on the folded full name, on PostgreSQL only (SQLite has no pg_trgm;
search there uses the portable key tables alone)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS matching_keys_full_fold_trgm ON matching_personnamekeys USING gin (full_fold gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS matching_keys_full_fold_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
