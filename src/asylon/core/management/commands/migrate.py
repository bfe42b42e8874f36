"""`asylon migrate`: Django's `migrate`, with the third-party apps migrated before the project's
own (issue 24).

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

from django.core.management.commands import migrate
from django.db.migrations.graph import MigrationGraph


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
    def handle(self, *args, **options):
        with _third_party_leaves_first():
            return super().handle(*args, **options)
