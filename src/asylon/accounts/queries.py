"""Reads about users, scoped as `services.manages` is: the users an actor may manage are
those, not superusers, whose every site is one of the actor's own."""

from __future__ import annotations

from django.db.models import QuerySet

from asylon.core.errors import NotFound
from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.registry.models import Site

from .models import ApiToken, User


def users_for(actor: Actor) -> QuerySet[User]:
    """The users the actor manages, by username. None without `accounts.change_user`."""
    if not actor.has_perm("accounts.change_user"):
        return User.objects.none()
    mine = site_ids(actor)
    elsewhere = Site.objects.exclude(pk__in=mine)
    return (
        User.objects.filter(is_superuser=False, sites__in=mine)
        .exclude(sites__in=elsewhere)
        .distinct()
        .prefetch_related("groups", "sites")
        .order_by("username")
    )


def get_user(actor: Actor, pk: int) -> User:
    user = users_for(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A user's API tokens, newest first, with expiry and last use (never the secret)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
