"""Set-based writes the ORM has no word for: INSERT ... SELECT.

Services call this for acts over many rows (a group declaration over 100,000 persons), so
that the rows are written by one statement inside the database instead of being read into
Python and sent back. Portable (PostgreSQL and SQLite); the caller's transaction, permission
checks and audit event stay as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet


def insert_select(model: type[models.Model], ids: QuerySet, column: str, values: dict[str, Any]) -> int:
    """Insert one `model` row per id that the queryset `ids` selects, with
    that id in `column` and `values` (by field name) elsewhere; every other field takes its
    default. Returns the number of rows inserted."""
    connection = transaction.get_connection()
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
    unknown = set(values) - set(by_name) or ({column} - set(by_name))
    if unknown:
        raise ValueError(f"no such field on {model._meta.label}: {sorted(unknown)}")
    target = by_name[column]
    columns, placeholders, params = [], [], []
    for f in fields:
        columns.append(ops.quote_name(f.column))
        if f is target:
            placeholders.append(f"sub.{ops.quote_name('pk')}")
            continue
        value = values.get(f.name, values.get(f.attname, f.get_default()))
        if isinstance(value, models.Model):
            value = value.pk
        placeholders.append("%s")
        params.append(f.get_db_prep_save(value, connection))
    # values_list("pk") selects the id under the alias pk, on every backend.
    select_sql, select_params = ids.values_list("pk").query.sql_with_params()
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the model
        f"SELECT {', '.join(placeholders)} FROM ({select_sql}) AS sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount
