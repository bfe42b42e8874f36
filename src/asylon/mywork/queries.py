"""The actor's work, grouped as the page shows it, and the count the menu shows.

The count is kept in the cache per user, day and state of the data (the head of the audit
chain, which every write moves), so a page does not ask every source on every request, and
the menu never shows a count from before the last change anyone made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from asylon.audit.queries import chain_head
from asylon.core import work
from asylon.core.types import Actor
from asylon.core.work import WorkItem

COUNT_SECONDS = 24 * 3600  # a key of a past state is never read again; let it age out


@dataclass(frozen=True)
class Group:
    name: str
    items: list[WorkItem]
    overdue: int


def _count_key(actor: Actor, today: date) -> str:
    seq, digest = chain_head()
    return f"mywork:count:{actor.pk}:{today.isoformat()}:{seq}:{digest[:16]}"


def groups_for(actor: Actor, today: date) -> list[Group]:
    """The actor's items grouped under their headings, the group with the earliest item first."""
    items = work.items_for(actor, today)
    cache.set(_count_key(actor, today), len(items), COUNT_SECONDS)
    by_name: dict[str, list[WorkItem]] = {}
    for item in items:  # already by date: each group keeps that order, groups come by their first
        by_name.setdefault(item.group, []).append(item)
    return [Group(name, rows, sum(1 for i in rows if i.overdue(today))) for name, rows in by_name.items()]


def count_for(actor: Actor, today: date) -> int:
    key = _count_key(actor, today)
    n = cache.get(key)
    if n is None:
        n = len(work.items_for(actor, today))
        cache.set(key, n, COUNT_SECONDS)
    return n
