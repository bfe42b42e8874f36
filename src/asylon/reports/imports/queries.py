"""Reads of the import pages, scoped to the actor: the sites where their role imports
registrations, and the imports run there. A run outside them does not exist for the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from asylon.core.errors import NotFound
from asylon.core.scope import can
from asylon.core.types import Actor
from asylon.registry.models import Site
from asylon.registry.queries import sites_for

from ..models import ImportRun

PERM = "reports.import_registrations"


def import_sites(actor: Actor) -> list[Site]:
    """The actor's sites where their role imports registrations."""
    return [s for s in sites_for(actor) if can(actor, PERM, s)]


def runs_at(sites: list[Site]) -> QuerySet[ImportRun]:
    """The imports run at these sites (the actor's `import_sites`)."""
    return ImportRun.objects.filter(site__in=sites).select_related("site", "actor", "source")


def get_run(actor: Actor, pk: int) -> ImportRun:
    run = ImportRun.objects.select_related("site", "actor", "source").filter(pk=pk).first()
    if run is None or not can(actor, PERM, run.site):
        raise NotFound("No such import.")
    return run
