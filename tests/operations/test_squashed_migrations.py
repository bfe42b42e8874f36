"""A fresh installation goes through the squashed migrations, an older one through the steps they
replace: both must end with the same models, fields, indexes and constraints, and the squashes
must keep the database work a fresh database needs (need codes, guards, PostgreSQL settings)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader


def _models(replace: bool) -> dict:
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=replace)
    state = loader.project_state()
    return {
        key: (
            {name: field.deconstruct()[1:] for name, field in model.fields.items()},
            sorted(repr(index.deconstruct()) for index in model.options.get("indexes", [])),
            sorted(repr(constraint.deconstruct()) for constraint in model.options.get("constraints", [])),
            {k: v for k, v in model.options.items() if k not in ("indexes", "constraints")},
        )
        for key, model in state.models.items()
    }


def _squashes() -> list:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [migration for migration in loader.disk_migrations.values() if migration.replaces]


def test_the_squashes_reach_the_models_their_steps_reach():
    squashed, stepwise = _models(replace=True), _models(replace=False)
    assert squashed.keys() == stepwise.keys()
    differing = [key for key in stepwise if squashed[key] != stepwise[key]]
    assert differing == []


def test_the_squashes_keep_the_database_work_of_a_fresh_database():
    with_code = {
        migration.app_label
        for migration in _squashes()
        if any(isinstance(op, RunPython) for op in migration.operations)
    }
    assert {"registry", "movements", "matching", "status"} <= with_code


def test_a_fresh_database_has_the_need_codes_and_the_movement_guards(db):
    from asylon.registry.models import SpecificNeedCode

    assert SpecificNeedCode.objects.exists()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'movements_%'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'movements_%'")
        assert len(cursor.fetchall()) >= 3
