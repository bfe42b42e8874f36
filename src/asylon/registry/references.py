"""References: the human-readable numbers every record carries (LIB-000124, LIB-MV-000007).

The one counter for every prefix: persons, households, movements, RSD cases, incidents,
resettlement cases. A number is taken under a lock held to the end of the transaction, so two
records never get the same one; a merged record keeps its number and the counter never goes
back, while a record rolled back gives its number back with it. Gaps would be harmless; a
reference used twice is not.
"""

from __future__ import annotations

from django.db import transaction

from .models import ReferenceCounter

_TABLE = ReferenceCounter._meta.db_table

# One statement takes the numbers: it creates the prefix's counter on first use or moves it
# on, holding the counter's row (PostgreSQL) or the database (SQLite) until the transaction
# ends, and returns where it now stands. The same on both databases (SQLite 3.35 and later).
_TAKE = (
    f"INSERT INTO {_TABLE} (prefix, last_number) VALUES (%s, %s) "  # noqa: S608 - a model's table
    f"ON CONFLICT (prefix) DO UPDATE SET last_number = {_TABLE}.last_number + excluded.last_number "
    "RETURNING last_number"
)


def next_references(prefix: str, count: int = 1) -> list[str]:
    """The next `count` never-used references under `prefix`. Call inside a transaction."""
    if count < 1:
        return []
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_TAKE, [prefix, count])
        [last] = cursor.fetchone()
    return [f"{prefix}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_reference(prefix: str) -> str:
    return next_references(prefix)[0]
