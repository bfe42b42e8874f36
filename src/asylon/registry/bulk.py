"""Writing many new rows at once, for bulk registrations (imports, the demo camp).

`insert` takes unsaved model instances, gives them primary keys first (so the caller can link
rows to each other without reading them back) and writes them in one stream: PostgreSQL's
COPY, or on SQLite INSERTs of thousands of rows each. Django's `bulk_create` compiles every
value of every row into one SQL text; at tens of thousands of rows that preparation, not the
database, is what takes the time.

With `keys=False` the database numbers the rows itself (its column default) and the caller
gets no keys back: for rows nothing else links to in the same write (memberships, specific
needs), which saves fetching numbers from the sequence first.

`build` makes the unsaved instances cheaply: a model's `__init__` and its relation descriptors
cost more than writing the row, at tens of thousands of rows.

Constraints hold as with any INSERT: COPY checks unique, check and foreign-key constraints
(the deferred foreign keys at commit). Call inside a transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from functools import cache, partial
from itertools import chain, islice
from operator import itemgetter
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

# SQLite: rows go in statements of many rows each, not one row per step of an `executemany`:
# SQLite binds and inserts them without going back to Python after each row, and Python's lock,
# let go for each statement, is not taken back after each row (a thread keying the next rows,
# as `rebuild-keys` runs one, would make each row wait for it). Half the time per row.
SQLITE_PARAMETERS = 8000
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
    state = obj._state = ModelState()
    plain, called, relations, attnames = _template(model)
    fields = obj.__dict__
    fields.update(plain)
    for attname, default in called:
        fields[attname] = default()
    related = values.keys() & relations.keys()
    if related:
        cache = state.fields_cache = {}
        for name in related:
            value = values[name]
            attname, target = relations[name]
            fields[attname] = None if value is None else value.__dict__[target]
            cache[name] = value
    if values.keys() - related <= attnames:  # the plain values, in one update
        fields.update({k: v for k, v in values.items() if k not in related} if related else values)
    else:
        unknown = sorted(values.keys() - related - attnames)
        raise TypeError(f"{model.__name__} has no field {unknown[0]!r}")
    return obj


@cache
def _template(
    model: type[models.Model],
) -> tuple[dict[str, Any], list[tuple[str, Any]], dict[str, tuple[str, str]], frozenset[str]]:
    """What `build` needs of a model, worked out once: the plain defaults by attname, the
    callable ones, each relation's attname and the attname of the key it points at."""
    plain: dict[str, Any] = {}
    called: list[tuple[str, Any]] = []
    relations: dict[str, tuple[str, str]] = {}
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            called.append((f.attname, f.default))
        else:
            plain[f.attname] = f.get_default()
        if f.is_relation:
            relations[f.name] = (f.attname, f.target_field.attname)  # type: ignore[attr-defined]
    return plain, called, relations, frozenset(plain) | {a for a, _d in called}


def insert(objs: Sequence[models.Model], *, keys: bool = True) -> None:
    """Insert new instances of one model, giving those without a primary key one. With
    `keys=False` the database numbers the rows as it writes them and the instances keep no
    key: for rows nothing links to in the same breath, it saves asking for the numbers first."""
    if not objs:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk.insert must run inside a transaction")
    model = type(objs[0])
    opts = model._meta
    auto_key = not keys and isinstance(opts.pk, models.AutoField)
    if not auto_key:
        missing = [o for o in objs if o.pk is None]
        for obj, pk in zip(missing, allocate_ids(model, len(missing)), strict=True):
            obj.pk = pk
    now = timezone.now()
    fields = [f for f in opts.concrete_fields if not (auto_key and f.primary_key)]
    convert: list[tuple[int, Callable[[Any], Any]]] = []
    for i, f in enumerate(fields):
        converter = _converter(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                obj.__dict__[f.attname] = now
            if converter is not None:  # the same value in every row: converted once
                converter = partial(_same, converter(now))
        if converter is not None:
            convert.append((i, converter))
    pick = _picker([f.attname for f in fields])
    rows: Iterable[Sequence[Any]]
    if convert:
        rows = (_converted(list(pick(obj.__dict__)), convert) for obj in objs)
    else:
        rows = (pick(obj.__dict__) for obj in objs)
    insert_rows(opts.db_table, [f.column for f in fields], rows)
    alias = connection.alias
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _same(value: Any, _ignored: Any) -> Any:
    return value


def _picker(attnames: list[str]) -> Callable[[dict[str, Any]], Sequence[Any]]:
    """The values of `attnames` from an instance's `__dict__`, as one tuple."""
    if len(attnames) == 1:  # an itemgetter of one name gives the value, not a tuple
        name = attnames[0]
        return lambda values: (values[name],)
    return itemgetter(*attnames)


def _converted(row: list[Any], convert: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    for i, c in convert:
        row[i] = c(row[i])
    return row


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


def insert_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]], *, freeze: bool = False) -> None:
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
        insert = f'INSERT INTO "{table}" ({names}) VALUES '  # noqa: S608
        row_marks = f"({', '.join('?' * len(columns))})"
        # The driver's own cursor and "?" marks: Django's cursor would first rewrite each "%s"
        # of each statement, a third of the time of the inserts.
        with closing(connection.connection.cursor()) as raw:
            for some in _chunks(rows, max(1, _sqlite_parameter_limit() // len(columns))):
                raw.execute(insert + ", ".join([row_marks] * len(some)), list(chain.from_iterable(some)))


def _sqlite_parameter_limit() -> int:
    """How many parameters one INSERT takes: as many as the build allows (999 before SQLite
    3.32), up to SQLITE_PARAMETERS: a longer statement costs more to prepare than it saves."""
    return min(SQLITE_PARAMETERS, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while some := list(islice(it, size)):
        yield some


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateField) and connection.vendor == "postgresql":
        return None  # psycopg writes dates and aware datetimes as they are (the backend's adapters return them)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, _AS_IS):  # incl. CountryField, which keeps its code as a string
        return None
    return lambda value: field.get_db_prep_save(value, connection)
