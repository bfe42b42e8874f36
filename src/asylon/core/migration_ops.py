"""Migration operations of our own (issue 24: a fresh database migrates in well under a second).

`CreateModels` creates several models as their `CreateModel` operations do, one after the
other, with the same tables, indexes and constraints. What differs is Django's in-memory
migration state: after each `CreateModel` it renders the new model again together with every
model related to it, which on a fresh database means most of the project once per model
(issue 24). Here the models join the state first and are rendered once for all of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.db import router
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.models import CreateModel
from django.db.migrations.operations.special import RunPython
from django.db.migrations.state import ProjectState, StateApps


class CreateModels(Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, operations: list[CreateModel]):
        self.operations = operations

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state):
        rendered = state.__dict__.pop("apps", None)  # added without a render each...
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        # ...then rendered once, with all the models related to any of them.
        state.reload_models([(app_label, operation.name_lower) for operation in self.operations], delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.operations)

    def describe(self):
        return "Create models " + ", ".join(operation.name for operation in self.operations)

    @property
    def migration_name_fragment(self):
        return "_".join(operation.migration_name_fragment for operation in self.operations[:3])


class _HistoricalModels:
    """The `apps` a RunPython's code receives (a `StateApps` to the code), rendered when the
    code first asks for a model."""

    def __init__(self, state: ProjectState, app_labels: Iterable[str] | None):
        self._state = state
        self._app_labels = set(app_labels) if app_labels is not None else None

    def __getattr__(self, name):
        if "_rendered" not in self.__dict__:
            self._rendered = self._render()
        return getattr(self._rendered, name)

    def _render(self):
        if self._app_labels is None:
            return self._state.apps
        models = {key: model for key, model in self._state.models.items() if key[0] in self._app_labels}
        return ProjectState(models, real_apps=self._state.real_apps).apps


class LazyRunPython(RunPython):
    """`RunPython` whose code gets the historical models only when it asks for one.

    Django renders every model of the migration state before it calls the code (on a fresh
    database, most of the project, once per RunPython), even for code that only runs SQL or
    finds nothing to do. `app_labels` narrows the rendering to the apps the code reads, for
    code that reads the models of a few apps that relate to no other (auth, contenttypes)."""

    def __init__(self, code, reverse_code=None, *, app_labels: Iterable[str] | None = None, **kwargs):
        super().__init__(code, reverse_code, **kwargs)
        self.app_labels = tuple(app_labels) if app_labels is not None else None

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        if self.app_labels is not None:
            kwargs["app_labels"] = self.app_labels
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from_state.clear_delayed_apps_cache()
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self.code(cast(StateApps, _HistoricalModels(from_state, self.app_labels)), schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.reverse_code is None:
            raise NotImplementedError("You cannot reverse this operation")
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self.reverse_code(cast(StateApps, _HistoricalModels(from_state, self.app_labels)), schema_editor)
