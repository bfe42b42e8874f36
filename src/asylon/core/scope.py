"""Which sites an actor may see, and the one check every service and query uses."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.functional import LazyObject, empty

from asylon.core.errors import NotFound, NotPermitted
from asylon.core.types import AnyUser


def site_ids(actor: AnyUser) -> frozenset[int]:
    """The sites the actor works in (cached on the user object for the request)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return frozenset()
    # A request's user is a lazy wrapper (two: auth's, then django-otp's), while the
    # permission checks (django-rules) receive the user inside: keep the cache on that user,
    # so both find it.
    user: Any = actor
    while isinstance(user, LazyObject):
        if user._wrapped is empty:  # type: ignore[attr-defined]
            user._setup()  # type: ignore[attr-defined]
        user = user._wrapped  # type: ignore[attr-defined]
    cached = getattr(user, "_asylon_site_ids", None)
    if cached is None:
        cached = _site_ids_of(user)
        vars(user)["_asylon_site_ids"] = cached  # cached on the user object for the request
    return cached


def _site_ids_of(user: Any) -> frozenset[int]:
    """The user's sites, read from the membership table alone: this runs on every request,
    and the ORM's join through `registry_site` cost ten times the statement."""
    sites = user.sites  # the many-to-many manager names its table and columns
    meta = sites.through._meta
    table = connection.ops.quote_name(meta.db_table)
    site = connection.ops.quote_name(meta.get_field(sites.target_field_name).column)
    owner = connection.ops.quote_name(meta.get_field(sites.source_field_name).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {site} FROM {table} WHERE {owner} = %s", [user.pk])  # noqa: S608 - model names
        return frozenset(row[0] for row in cursor.fetchall())


def site_id_of(obj) -> int | None:
    """The site an object belongs to: a Site is its own; others carry site_id."""
    if obj is None:
        return None
    if obj._meta.label_lower == "registry.site":
        return obj.pk
    return getattr(obj, "site_id", None)


def in_scope(actor: AnyUser, obj) -> bool:
    sid = site_id_of(obj)
    return sid is None or sid in site_ids(actor)


def ensure(actor: AnyUser, perm: str, obj=None) -> None:
    """Raise unless the actor holds `perm` (for `obj`, when given).

    Outside the actor's sites the object does not exist for them (404, not 403), so that
    a guessed id says nothing about who is registered where.
    """
    if obj is not None and not in_scope(actor, obj):
        raise NotFound("No such record.")
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotPermitted(f"Your role does not allow this ({perm}).")


def can(actor: AnyUser, perm: str, obj=None) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and in_scope(actor, obj) and actor.has_perm(perm, obj)
