"""A fresh database built from the models in one pass, as Rails loads `schema.rb` instead of
replaying every migration (issue 24: `asylon demo` on a new machine).

Replaying the migrations builds the tables step by step, and Django's in-memory state renders
again, at each step, every model related to the one it touches: on an empty database most of
the project, dozens of times (about 2.5 s of a 9 s demo). The end is the same database as
creating each table from today's models and then doing the migrations' own database work
(their `RunPython` code: the guards' triggers, the trigram index, the need codes, the search
vocabulary), on tables that are already in their last shape. The migrations are then recorded
as applied, so the next migration applies on top as usual.

`tests/operations/test_schema_load.py` builds one database each way and compares them: every
table's columns, indexes, constraints and triggers, and every row the migrations write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.apps import apps as global_apps
from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.special import RunPython, SeparateDatabaseAndState
from django.db.migrations.state import StateApps


def is_empty(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def load_schema(connection: BaseDatabaseWrapper) -> bool:
    """Build an empty database's tables from the models and record every migration as applied.
    Returns False, doing nothing, when the database already has tables (Django's own `migrate`
    applies what is missing), or when Django's own would stop or do more: migrations in
    conflict, or models of an app without migrations."""
    if not is_empty(connection):
        return False
    executor = MigrationExecutor(connection)
    unmigrated = executor.loader.unmigrated_apps
    if executor.loader.detect_conflicts() or any(m._meta.app_label in unmigrated for m in _managed(connection)):
        return False
    plan = [migration for migration, backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())]
    # One transaction: a failure leaves the database empty, to be built again.
    with connection.schema_editor(atomic=True) as editor:
        for model in [*_models(connection, executor.loader.migrated_apps), executor.recorder.Migration]:
            editor.create_model(model)
        # Then the migrations' own work, in their order, on the tables in their last shape.
        for migration in plan:
            for operation in _database_code(migration):
                if router.allow_migrate(connection.alias, migration.app_label, **operation.hints):
                    # Today's models stand for the historical ones the code is written to receive.
                    operation.code(cast(StateApps, global_apps), editor)
        for migration in plan:
            executor.record_migration(migration)
        executor.check_replacements()  # a squash is recorded too, as the steps it replaces are
    return True


def _models(connection: BaseDatabaseWrapper, migrated_apps: set[str]) -> list:
    return [model for model in _managed(connection) if model._meta.app_label in migrated_apps]


def _managed(connection: BaseDatabaseWrapper) -> list:
    return [
        model
        for model in global_apps.get_models()
        if model._meta.managed and not model._meta.proxy and router.allow_migrate_model(connection.alias, model)
    ]


def _database_code(migration: Migration) -> list[RunPython]:
    """The project's migrations' code, written to run on today's models. Other apps' code
    is written for their models as they were at that step, and only converts rows an older
    database holds (an empty one has none: the comparing test holds them to it)."""
    if not type(migration).__module__.startswith("asylon."):
        return []
    return _code_of(migration.operations)


def _code_of(operations: Sequence[Operation]) -> list[RunPython]:
    found: list[RunPython] = []
    for operation in operations:
        if isinstance(operation, RunPython):
            found.append(operation)
        elif isinstance(operation, SeparateDatabaseAndState):
            found.extend(_code_of(operation.database_operations))
    return found
