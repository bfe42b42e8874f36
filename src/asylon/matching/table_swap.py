"""Refilling whole tables of derived rows (the name keys) without indexing row by row, and
without closing them to readers while it runs. Called by `keys.rebuild` alone, inside its
transaction.

`refill(tables, fill)` calls `fill({table: name to write to}, fresh)` once; `fill` writes every
row anew (set-based: `bulk.insert_rows`, a stream per table; `fresh` says the tables were made in
this transaction, so COPY may FREEZE), and `refill` returns the way it took:

* PostgreSQL (`SWAP`): the rows go into fresh tables made `LIKE` the old ones, without
  indexes; the indexes and constraints are then built once each, from the old tables'
  definitions in the catalog, the fresh tables analysed, and in one short step at the end
  the old tables are dropped and the fresh ones take their names, and every index,
  constraint and identity sequence the old name it had. Django, its migrations
  (`makemigrations --check`) and `pg_dump` see the same schema as before.
  Readers (search) read the old tables until that step and wait only for it: the step asks
  for its lock with a short `lock_timeout`, again and again, so that a long reader does not
  make every search queue behind it. Writers of the tables and of the tables their foreign
  keys name (persons, sites) wait for the whole refill, so no write is lost between the old
  rows and the new (the refill takes those locks first, in the order the register's writers
  take theirs: the person, then the keys).
* SQLite (`REINDEX`): in the one write transaction the database allows, the tables' plain
  indexes are dropped, the rows deleted and written, and the indexes made again. Readers
  keep reading the last committed state (WAL) until the commit.
* `IN_PLACE`: a table PostgreSQL cannot swap safely (another table's foreign key points at
  it, a view, a trigger, a row policy, a publication, inheritance, another owner, Citus):
  `refill` writes nothing and the caller rewrites its rows where they are.

`tests/matching/test_keys.py` proves that a refill leaves the same indexes and constraints
under the same names, and the same rows as the register's own writes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import OperationalError, connection, transaction

SWAP_LOCK_TIMEOUT = "1s"  # the longest a search waits behind the swap's request for its lock
SWAP_ATTEMPTS = 60  # then the swap waits for its lock as long as it takes
# For the index builds (this transaction's own setting), if the server gives less: a parallel
# build divides it among its processes, and a million persons' tokens sort in memory with it.
MAINTENANCE_WORK_MEM = 1024 * 1024 * 1024
FRESH = "__fresh"  # suffix of a fresh table's name while it is filled


class Way(StrEnum):
    SWAP = "swap"
    REINDEX = "reindex"
    IN_PLACE = "in place"


def refill(tables: Sequence[str], fill: Callable[[Mapping[str, str], bool], None]) -> Way:
    """Have `fill` write every row of `tables` anew; see the module's docstring."""
    if not connection.in_atomic_block:
        raise RuntimeError("refill must run inside a transaction")
    if connection.vendor == "postgresql":
        if not _swappable(tables):
            return Way.IN_PLACE
        _swap_refill(tables, fill)
        return Way.SWAP
    if connection.vendor == "sqlite":
        _reindex_refill(tables, fill)
        return Way.REINDEX
    return Way.IN_PLACE


# PostgreSQL ------------------------------------------------------------------------------

_SWAPPABLE = """
SELECT c.relkind = 'r' AND NOT c.relispartition AND NOT c.relrowsecurity
   AND pg_has_role(c.relowner, 'MEMBER')
   AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = c.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                   WHERE d.refobjid = c.oid AND r.ev_class <> c.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = c.oid)
FROM pg_class c WHERE c.oid = %(table)s::regclass
"""


def _swappable(tables: Sequence[str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_dist_partition') IS NOT NULL")
        if cursor.fetchone()[0]:  # Citus: a distributed table is not ours to swap
            return False
        for table in tables:
            cursor.execute(_SWAPPABLE, {"table": table})
            if not cursor.fetchone()[0]:
                return False
    return True


@dataclass
class _Fresh:
    """One table's fresh copy, and the old names its objects take at the swap."""

    table: str
    fresh: str
    renames: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, temporary, old)
    old_deferred: list[str] = field(default_factory=list)  # the old table's deferrable constraints


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _swap_refill(tables: Sequence[str], fill: Callable[[Mapping[str, str], bool], None]) -> None:
    with connection.cursor() as cursor:
        _lock_writers(cursor, tables)
        fresh = [_create(cursor, table) for table in tables]
        fill({f.table: f.fresh for f in fresh}, True)
        _raise_maintenance_work_mem(cursor)
        for f in fresh:  # first: the checks of the foreign keys are planned on the rows' statistics
            cursor.execute(f"ANALYZE {_q(f.fresh)}")
        for f in fresh:
            _build(cursor, f)
        _swap(cursor, fresh)


def _lock_writers(cursor, tables: Sequence[str]) -> None:
    """Close the tables, and those their foreign keys point to, to writers (not to readers)
    until the refill commits; SHARE ROW EXCLUSIVE also makes a second refill wait for the first."""
    cursor.execute(
        "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) AND NOT (confrelid = ANY(%s::regclass[])) ORDER BY 1",
        [list(tables), list(tables)],
    )
    referenced = [row[0] for row in cursor.fetchall()]  # as regclass prints them: quoted if need be
    if referenced:
        cursor.execute(f"LOCK TABLE {', '.join(referenced)} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"LOCK TABLE {', '.join(_q(t) for t in tables)} IN SHARE ROW EXCLUSIVE MODE")


def _create(cursor, table: str) -> _Fresh:
    fresh = _Fresh(table, f"{table[: 63 - len(FRESH)]}{FRESH}")
    # Columns, defaults, identity, NOT NULL and CHECK constraints (same names: they are per table).
    cursor.execute(f"CREATE TABLE {_q(fresh.fresh)} (LIKE {_q(table)} INCLUDING ALL EXCLUDING INDEXES)")
    cursor.execute(
        "SELECT reloptions, (SELECT array_agg(format('%%s ON TABLE %%s TO %%s%%s', a.privilege_type, %s::text,"
        " CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,"
        " CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END))"
        " FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner) FROM pg_class c WHERE c.oid = %s::regclass",
        [_q(fresh.fresh), table],
    )
    options, grants = cursor.fetchone()
    if options:
        cursor.execute(f"ALTER TABLE {_q(fresh.fresh)} SET ({', '.join(options)})")
    for grant in grants or ():
        cursor.execute(f"GRANT {grant}")
    return fresh


def _build(cursor, f: _Fresh) -> None:
    """The old table's indexes and its primary key, unique, exclusion and foreign-key
    constraints, made on the filled fresh table under temporary names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), condeferrable FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype IN ('p', 'u', 'x', 'f') ORDER BY contype <> 'p', contype = 'f', conname",
        [f.table],
    )
    for number, (name, definition, deferrable) in enumerate(cursor.fetchall()):
        temporary = f"rk{number}_{name}"[:63]
        cursor.execute(f"ALTER TABLE {_q(f.fresh)} ADD CONSTRAINT {_q(temporary)} {definition}")
        f.renames.append(("constraint", temporary, name))
        if deferrable:
            f.old_deferred.append(name)
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
        "AND c.conrelid = x.indrelid) ORDER BY i.relname",
        [f.table],
    )
    for number, (name, definition) in enumerate(cursor.fetchall()):
        temporary = f"ri{number}_{name}"[:63]
        cursor.execute(_index_on(definition, name, f.table, temporary, f.fresh))
        f.renames.append(("index", temporary, name))


_INDEX_DEF = re.compile(r"^CREATE (UNIQUE )?INDEX (\S+) ON (?:ONLY )?(\S+) USING ")


def _index_on(definition: str, name: str, table: str, new_name: str, new_table: str) -> str:
    """`pg_get_indexdef`'s statement for the same index under another name, on another table."""
    match = _INDEX_DEF.match(definition)
    if match is None or match[2] not in (name, _q(name)) or match[3].rsplit(".", 1)[-1] not in (table, _q(table)):
        raise RuntimeError(f"unexpected index definition: {definition}")
    return f"CREATE {match[1] or ''}INDEX {_q(new_name)} ON {_q(new_table)} USING {definition[match.end() :]}"


def _raise_maintenance_work_mem(cursor) -> None:
    cursor.execute("SELECT pg_size_bytes(current_setting('maintenance_work_mem'))")
    if cursor.fetchone()[0] < MAINTENANCE_WORK_MEM:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [f"{MAINTENANCE_WORK_MEM // 1024}kB"])


def _swap(cursor, fresh: list[_Fresh]) -> None:
    """Drop the old tables and give the fresh ones their names: catalog changes only."""
    _lock_for_swap(cursor, [f.table for f in fresh])
    for f in fresh:
        sequences = _sequences(cursor, f.table), _sequences(cursor, f.fresh)
        if f.old_deferred:  # rows this transaction wrote to the old table are checked now, not at commit
            cursor.execute(f"SET CONSTRAINTS {', '.join(_q(n) for n in f.old_deferred)} IMMEDIATE")
        cursor.execute(f"DROP TABLE {_q(f.table)}")
        cursor.execute(f"ALTER TABLE {_q(f.fresh)} RENAME TO {_q(f.table)}")
        for kind, temporary, name in f.renames:
            if kind == "constraint":  # renames its index too
                cursor.execute(f"ALTER TABLE {_q(f.table)} RENAME CONSTRAINT {_q(temporary)} TO {_q(name)}")
            else:
                cursor.execute(f"ALTER INDEX {_q(temporary)} RENAME TO {_q(name)}")
        old_sequences, new_sequences = sequences
        for column, sequence in new_sequences.items():
            if column in old_sequences:
                old_name = old_sequences[column].rsplit(".", 1)[-1]
                cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {old_name}")


def _sequences(cursor, table: str) -> dict[str, str]:
    cursor.execute(
        "SELECT attname, pg_get_serial_sequence(%s, attname) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [_q(table), table],
    )
    return {column: sequence for column, sequence in cursor.fetchall() if sequence}


def _lock_for_swap(cursor, tables: list[str]) -> None:
    """ACCESS EXCLUSIVE on the old tables: wait for the searches under way, a short while at
    a time, so that the searches queued behind this request wait no longer than that."""
    names = ", ".join(_q(t) for t in tables)
    cursor.execute("SELECT current_setting('lock_timeout')")
    before = cursor.fetchone()[0]
    for _attempt in range(SWAP_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a refused lock leaves the refill standing
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [SWAP_LOCK_TIMEOUT])
                cursor.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            time.sleep(0.2)
    cursor.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")


# SQLite ----------------------------------------------------------------------------------


SQLITE_CACHE_KIB = 256 * 1024  # this connection's page cache while it refills: the index builds sort in it


def _reindex_refill(tables: Sequence[str], fill: Callable[[Mapping[str, str], bool], None]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            _reindex_refill_in(cursor, tables, fill)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _reindex_refill_in(cursor, tables: Sequence[str], fill: Callable[[Mapping[str, str], bool], None]) -> None:
    marks = ", ".join(["%s"] * len(tables))
    cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",  # noqa: S608
        list(tables),
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {_q(name)}")
    for table in reversed(tables):
        cursor.execute(f"DELETE FROM {_q(table)}")  # noqa: S608 - a model's table
    fill({table: table for table in tables}, False)
    for _name, sql in indexes:
        cursor.execute(sql)
