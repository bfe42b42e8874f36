"""Writing many new rows at once, for bulk registrations (imports, the demo camp).

`insert` takes unsaved model instances, gives them primary keys first (so the caller can link
rows to each other without reading them back) and writes them in one stream: PostgreSQL's
COPY, or a plain `executemany` INSERT on other databases. Django's `bulk_create` compiles
every value of every row into one SQL text; at tens of thousands of rows that preparation,
not the database, is what takes the time.

`build` makes the unsaved instances cheaply: a model's `__init__` and its relation descriptors
cost more than writing the row, at tens of thousands of rows.

Constraints hold as with any INSERT: COPY checks unique, check and foreign-key constraints
(the deferred foreign keys at commit). Call inside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

# Field classes whose stored value (`instance.__dict__[attname]`) is already what the
# database driver takes; any other field goes through its own `get_db_prep_save`.
_AS_IS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.ForeignKey)

M = TypeVar("M", bound=models.Model)


def build(model: type[M], **values: Any) -> M:
    """An unsaved instance of `model`, as `model(**values)` gives it, for `insert`: every field
    at its default, then `values` by field name (a related object, kept as the relation's
    cached value, or its `<name>_id`). Not through `__init__`: no `pre_init`/`post_init`
    signals are sent (the register has no receiver of them)."""
    obj = model.__new__(model)
    obj._state = ModelState()
    fields = obj.__dict__
    for attname, default, call in _defaults(model):
        fields[attname] = default() if call else default
    relations, attnames = _names(model)
    for name, value in values.items():
        relation = relations.get(name)
        if relation is not None:
            fields[relation.attname] = None if value is None else value.pk
            obj._state.fields_cache[name] = value
        elif name in attnames:
            fields[name] = value
        else:
            raise TypeError(f"{model.__name__} has no field {name!r}")
    return obj


@cache
def _defaults(model: type[models.Model]) -> list[tuple[str, Any, bool]]:
    out = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            out.append((f.attname, f.default, True))
        else:
            out.append((f.attname, f.get_default(), False))
    return out


@cache
def _names(model: type[models.Model]) -> tuple[dict[str, models.Field], frozenset[str]]:
    fields = model._meta.concrete_fields
    return {f.name: f for f in fields if f.is_relation}, frozenset(f.attname for f in fields)


def insert(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model, giving those without a primary key one."""
    if not objs:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk.insert must run inside a transaction")
    model = type(objs[0])
    opts = model._meta
    missing = [o for o in objs if o.pk is None]
    for obj, pk in zip(missing, allocate_ids(model, len(missing)), strict=True):
        obj.pk = pk
    now = timezone.now()
    fields = list(opts.concrete_fields)
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    convert = [_converter(f) for f in fields]
    attnames = [f.attname for f in fields]
    rows = (
        tuple(c(v) if c else v for c, v in zip(convert, map(obj.__dict__.get, attnames), strict=True)) for obj in objs
    )
    insert_rows(opts.db_table, [f.column for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, never handed out to anyone else."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the database's only write lock (transaction_mode
        # IMMEDIATE), so nobody else can take these numbers before we insert them.
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - names from the model
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(top, row[0] if row else 0) + 1
        return list(range(first, first + count))


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]], *, freeze: bool = False) -> None:
    """Rows of database values, in the order of `columns`. `freeze`: on PostgreSQL, into a
    table created in this very transaction (no savepoint since), write the rows frozen and
    the pages all-visible (`COPY ... FREEZE`), so that index-only scans need no VACUUM first."""
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            options = " WITH (FREEZE)" if freeze else ""
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN{options}') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(rows))  # noqa: S608


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, _AS_IS):  # incl. CountryField, which keeps its code as a string
        return None
    return lambda value: field.get_db_prep_save(value, connection)
