"""`asylon migrate`: Django's `migrate`; an empty database built from the models in one pass
(`core.schema_load`; `--replay` applies every migration in turn instead); and, when migrations
are applied, the third-party apps migrated before the project's own (issue 24).

Django applies the apps in the alphabetical order of their last migrations. Any order that
keeps the migrations' dependencies builds the same database; what differs is Django's
in-memory state of the models, which each operation renders again together with every model
related to the one it touches. On an empty database the alphabetical order creates the
project's models first, and only then the third-party ones (two-factor devices, the admin's
log, background tasks) whose link to the user re-renders most of the project at each of
their steps, and whose data migrations render all of it again. Taken first, they meet a
state holding little more than the user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.core.management.commands import migrate
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.db.migrations.graph import MigrationGraph
from django.utils.module_loading import module_has_submodule

from asylon.core.schema_load import load_schema


def _third_party_first(graph: MigrationGraph, app: str | None = None) -> list[tuple[str, str]]:
    leaves = _alphabetical_leaves(graph, app)
    return sorted(leaves, key=lambda leaf: (graph.nodes[leaf].__module__.startswith("asylon."), leaf))


_alphabetical_leaves = MigrationGraph.leaf_nodes


@contextmanager
def _third_party_leaves_first() -> Iterator[None]:
    # The executor builds its own graph and plans from its leaves: their order is the only
    # lever Django gives over the order the apps are migrated in.
    MigrationGraph.leaf_nodes = _third_party_first  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        MigrationGraph.leaf_nodes = _alphabetical_leaves  # type: ignore[method-assign, assignment]


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--replay",
            action="store_true",
            help="On an empty database too, apply each migration in turn (not build the tables from the models).",
        )

    def handle(self, *args, **options):
        database = options["database"]
        if _everything_forwards(options) and load_schema(connections[database]):
            if options["verbosity"] >= 1:
                self.stdout.write("Built the empty database from the models; every migration recorded as applied.")
            # What Django's own would do next with nothing left to apply: the post_migrate work
            # (content types, permissions, the role groups), on today's models, which the
            # tables now are (rendering the migrations' state for it again costs a third of
            # a second).
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "management"):
                    import_module(".management", app_config.name)
            emit_post_migrate_signal(options["verbosity"], options["interactive"], database, apps=apps, plan=[])
            return
        with _third_party_leaves_first():
            return super().handle(*args, **options)


def _everything_forwards(options: dict) -> bool:
    """A plain `migrate`: no app or target named, nothing faked, planned, checked or pruned."""
    asked = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune", "replay")
    return not any(options.get(option) for option in asked)
