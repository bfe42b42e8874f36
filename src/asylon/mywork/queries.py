"""The actor's work, grouped as the page shows it, and the count the menu shows.

The count is kept in the cache for a minute per user, so a page does not ask every source
on every request; the my-work page itself always asks them all and refreshes the count, so
what the page lists and what the menu says agree as soon as the user looks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from asylon.core import work
from asylon.core.types import Actor
from asylon.core.work import WorkItem

COUNT_SECONDS = 60


@dataclass(frozen=True)
class Group:
    name: str
    items: list[WorkItem]
    overdue: int


def _count_key(actor: Actor) -> str:
    return f"mywork:count:{actor.pk}"


def groups_for(actor: Actor, today: date) -> list[Group]:
    """The actor's items grouped under their headings, the group with the earliest item first."""
    items = work.items_for(actor, today)
    cache.set(_count_key(actor), len(items), COUNT_SECONDS)
    by_name: dict[str, list[WorkItem]] = {}
    for item in items:  # already by date: each group keeps that order, groups come by their first
        by_name.setdefault(item.group, []).append(item)
    return [Group(name, rows, sum(1 for i in rows if i.overdue(today))) for name, rows in by_name.items()]


def count_for(actor: Actor, today: date) -> int:
    n = cache.get(_count_key(actor))
    if n is None:
        n = len(work.items_for(actor, today))
        cache.set(_count_key(actor), n, COUNT_SECONDS)
    return n


def forget_count(actor: Actor) -> None:
    cache.delete(_count_key(actor))
