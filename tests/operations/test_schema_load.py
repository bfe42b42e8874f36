"""`asylon migrate` builds an empty database from the models in one pass (`core.schema_load`);
`--replay` applies every migration in turn. Both must give the same database: the same columns,
indexes, constraints, triggers and settings of every table, the same rows the migrations and
their post_migrate work write, and the same migrations recorded as applied. Each is built by
the command itself, in a process of its own, on the database the suite runs on (a second
SQLite file, or two PostgreSQL databases made for the test)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

# The table names the SQL below is built from are the databases' own, read from their catalogue.
# ruff: noqa: S608

ROOT = Path(__file__).resolve().parents[2]


def _run_migrate(data_dir: Path, *flags: str, url: str | None = None) -> str:
    """`asylon migrate` in a process of its own, as an operator runs it; its output."""
    env = {**os.environ, "ASYLON_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    if url:
        env["ASYLON_DATABASE_URL"] = url
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "asylon", "migrate", "--skip-checks", *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _migrate(tmp_path: Path, name: str, *flags: str) -> dict:
    url = None
    if connection.vendor == "postgresql":
        url = _new_postgres_database(f"schema_load_{name}_{uuid.uuid4().hex[:8]}")
    try:
        output = _run_migrate(tmp_path / name, *flags, url=url)
        return {"output": output, **(_postgres(url) if url else _sqlite(tmp_path / name / "asylon.sqlite3"))}
    finally:
        if url:
            _drop_postgres_database(url)


# Django's auth migration numbers the links of groups and permissions with the project's default
# key (64 bits), its model with auth's own (32 bits): either holds them.
KNOWN_DIFFERENCES = {"tables": [("auth_group_permissions", "id")]}


def test_an_empty_database_built_from_the_models_is_the_one_the_migrations_build(tmp_path):
    loaded = _migrate(tmp_path, "loaded")
    replayed = _migrate(tmp_path, "replayed", "--replay")
    assert "Built the empty database from the models" in loaded["output"]
    assert "Applying registry." in replayed["output"]
    for part in ("tables", "indexes", "constraints", "triggers", "settings", "rows", "links", "applied"):
        for key in KNOWN_DIFFERENCES.get(part, ()):
            loaded[part].pop(key, None)
            replayed[part].pop(key, None)
        differing = {
            key: (loaded[part].get(key), replayed[part].get(key))
            for key in loaded[part].keys() | replayed[part].keys()
            if loaded[part].get(key) != replayed[part].get(key)
        }
        assert differing == {}, (part, differing)
    # Not empty by accident: the migrations' own database work is there.
    assert loaded["rows"]["registry_specificneedcode"]
    assert any("movements" in repr(key) for key in loaded["triggers"])
    assert len(loaded["applied"]) > 50
    assert len(loaded["links"]["role groups"]) > 50


def test_a_migrated_database_is_not_built_again(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("one run on SQLite shows it: the choice is made before any vendor's SQL")
    first, second = (_run_migrate(tmp_path / "twice") for _ in range(2))
    assert "Built the empty database" in first
    assert "Built the empty database" not in second
    assert "No migrations to apply." in second


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite(path: Path) -> dict:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        names = [name for name in names if not name.startswith("sqlite_")]
        tables, indexes, constraints = {}, {}, {}
        for name in names:
            # A column's place in the table aside: a table rebuilt by a migration appends its new ones.
            tables[name] = sorted(row[1:] for row in db.execute(f'PRAGMA table_info("{name}")').fetchall())
            constraints[name] = sorted(row[2:] for row in db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall())
            for index in db.execute(f'PRAGMA index_list("{name}")').fetchall():
                columns = [row[2:] for row in db.execute(f'PRAGMA index_xinfo("{index[1]}")').fetchall()]
                indexes[(name, index[1])] = (index[2:], columns)
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"):
            indexes[("sql", name)] = sql
        triggers = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        rows = {name: _rows(db.execute(f'SELECT * FROM "{name}"')) for name in names}
        applied = sorted(db.execute("SELECT app, name FROM django_migrations").fetchall())
        links = _links(db)
    finally:
        db.close()
    return {
        "tables": tables,
        "indexes": indexes,
        "constraints": constraints,
        "triggers": triggers,
        "settings": {},
        "rows": rows,
        "links": links,
        "applied": dict.fromkeys(applied, True),
    }


# -- PostgreSQL ------------------------------------------------------------------------------


def _postgres_url(database: str) -> str:
    conf = settings.DATABASES["default"]
    host, port, user = conf.get("HOST") or "127.0.0.1", conf.get("PORT") or 5432, conf.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{database}"


def _new_postgres_database(name: str) -> str:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return _postgres_url(name)


def _drop_postgres_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


QUERIES = {
    "tables": """SELECT table_name, column_name, data_type, is_nullable, character_maximum_length,
                        numeric_precision, is_identity, identity_generation,
                        regexp_replace(column_default, '_id_seq[0-9]*', '_id_seq')
                 FROM information_schema.columns WHERE table_schema = 'public'""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "constraints": """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                      WHERE n.nspname = 'public'""",
    "triggers": """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
                   FROM pg_trigger WHERE NOT tgisinternal""",
    "settings": """SELECT c.relname, c.relkind::text, array_to_string(c.reloptions, ',')
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.reloptions IS NOT NULL
                   UNION ALL SELECT 'extension', extname, '' FROM pg_extension
                   UNION ALL SELECT 'function', p.proname, pg_get_functiondef(p.oid)
                   FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND p.prokind = 'f'
                     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
}


def _postgres(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as db:
        found: dict = {}
        for part, sql in QUERIES.items():
            grouped: dict = {}
            for row in db.execute(sql).fetchall():
                grouped.setdefault(row[:2], []).append(row[2:])
            found[part] = {key: sorted(values, key=repr) for key, values in grouped.items()}
        names = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        found["rows"] = {name: _rows(db.execute(f'SELECT * FROM "{name}"')) for name in names}
        found["links"] = _links(db)
        applied = db.execute("SELECT app, name FROM django_migrations").fetchall()
        found["applied"] = dict.fromkeys(sorted(applied), True)
    return found


# -- rows ------------------------------------------------------------------------------------

# Surrogate keys and clocks: the same rows may be numbered or stamped differently (the links
# they make are compared by what they link, LINKS).
UNCOMPARED = {"id", "applied", "content_type_id", "permission_id", "group_id"}


LINKS = {
    "permissions": "SELECT ct.app_label, ct.model, p.codename FROM auth_permission p"
    " JOIN django_content_type ct ON ct.id = p.content_type_id",
    "role groups": "SELECT g.name, p.codename FROM auth_group g JOIN auth_group_permissions gp ON gp.group_id = g.id"
    " JOIN auth_permission p ON p.id = gp.permission_id",
}


def _links(db) -> dict:
    return {name: sorted(db.execute(sql).fetchall()) for name, sql in LINKS.items()}


def _rows(cursor) -> Counter:
    columns = [description[0] for description in cursor.description]
    kept = sorted((column, n) for n, column in enumerate(columns) if column not in UNCOMPARED)
    return Counter(repr(tuple((column, row[n]) for column, n in kept)) for row in cursor.fetchall())
