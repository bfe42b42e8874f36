"""Reading protection documents, scoped to the actor's sites."""

from __future__ import annotations

from django.db.models import QuerySet

from asylon.core.errors import NotFound
from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.registry.models import Person

from .models import ProtectionDocument


def documents_for(actor: Actor) -> QuerySet[ProtectionDocument]:
    if not actor.has_perm("documents.view_protectiondocument"):
        return ProtectionDocument.objects.none()
    return ProtectionDocument.objects.filter(site_id__in=site_ids(actor)).select_related("person", "key", "household")


def documents_of(actor: Actor, person: Person) -> list[ProtectionDocument]:
    return list(documents_for(actor).filter(person=person))


def get_document(actor: Actor, reference: str) -> ProtectionDocument:
    doc = documents_for(actor).filter(reference=reference).first()
    if doc is None:
        raise NotFound("No such document.")
    return doc
