"""What is each user's to do: the items of "my work", gathered from every app.

Each app that gives its users something to do (a case review due, an incident to follow up,
an appeal window closing, a roll call open in their site...) registers a *source* in its
`AppConfig.ready()`:

    from asylon.core import work
    work.register("incidents.follow_ups", follow_ups_due)

A source is a function `(actor, today) -> iterable of WorkItem`. It answers for that actor
alone: it applies the actor's role and sites itself, and yields nothing the actor may not
know exists (a sensitive case the actor does not hold is not hinted at by a count). The
my-work page, the counts in the menu and the e-mail digest read every source through
`items_for` and `counts_for`; core holds only the shape and the register, so no app has to
import the page and the page imports no app.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .types import Actor


@dataclass(frozen=True)
class WorkItem:
    """One thing a user has to do, as the user reads it."""

    source: str  # the registered source's name: "cases.reviews", "incidents.follow_ups"
    group: str  # the heading the page groups it under, translated ("Protection cases")
    title: str  # what to do, translated: "Review case PC-000012 (high risk)"
    url: str  # where it is done
    due: date | None = None  # None: as soon as possible, no date set
    site: str = ""  # the site's code, where the item belongs to one

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


WorkSource = Callable[[Actor, date], Iterable[WorkItem]]

_SOURCES: dict[str, WorkSource] = {}


def register(name: str, source: WorkSource) -> None:
    """Add (or replace, when an app is reloaded) the source called `name`."""
    _SOURCES[name] = source


def sources() -> dict[str, WorkSource]:
    return dict(_SOURCES)


def items_for(actor: Actor, today: date) -> list[WorkItem]:
    """Every item of every source for `actor`: overdue and dated first, by date, then the rest."""
    items = [item for source in _SOURCES.values() for item in source(actor, today)]
    return sorted(items, key=lambda i: (i.due is None, i.due or today, i.group, i.title))


def counts_for(actor: Actor, today: date) -> Counter[str]:
    """How many items each group holds for `actor`, for the menu."""
    return Counter(item.group for item in items_for(actor, today))
