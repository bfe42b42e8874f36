"""Migration operations of our own.

`CreateModels` creates several models as their `CreateModel` operations do, one after the
other, with the same tables, indexes and constraints. What differs is Django's in-memory
migration state: after each `CreateModel` it renders the new model again together with every
model related to it, which on a fresh database means most of the project once per model
(issue 24). Here the models join the state first and are rendered once for all of them."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.models import CreateModel


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
