"""Reads of recipients, their agreements and partner accounts, and the log of disclosures.

Recipients are reference data of the whole operation (not of a site); the partner accounts
an actor may link are those it manages. Partners' own reads of shared persons go through
`sharing.guard` (and `registry.queries.persons_for`), not through here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from asylon.core.errors import NotFound
from asylon.core.types import Actor

from .models import Disclosure, Recipient
from .services import partner_users


def recipients_for(actor: Actor) -> QuerySet[Recipient]:
    """Recipients are reference data of the whole operation (not of a site)."""
    if not actor.has_perm("movements.view_recipient"):
        return Recipient.objects.none()
    return Recipient.objects.select_related("acts_for").prefetch_related("agreements", "users")


def get_recipient(actor: Actor, pk: int) -> Recipient:
    recipient = recipients_for(actor).filter(pk=pk).first()
    if recipient is None:
        raise NotFound("No such recipient.")
    return recipient


def partner_users_for(actor: Actor):
    """The partner accounts the actor may link to a recipient: active, and managed by it
    (every site of the account is one of the actor's). None without `manage_recipients`."""
    if not actor.has_perm("movements.manage_recipients"):
        return partner_users().none()
    return partner_users(actor).order_by("username")


def get_partner_user(actor: Actor, pk: int):
    user = partner_users_for(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def disclosures_for(actor: Actor) -> QuerySet[Disclosure]:
    if not actor.has_perm("movements.view_disclosure"):
        return Disclosure.objects.none()
    return Disclosure.objects.select_related("recipient", "actor")
