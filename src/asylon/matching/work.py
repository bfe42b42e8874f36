"""What duplicate detection gives a user to do ("my work", core/work.py): for those who
decide on possible duplicates, how many pairs wait in their sites (one line, not a line a pair)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from asylon.core.i18n import to_digits
from asylon.core.types import Actor
from asylon.core.work import WorkItem


def duplicates_to_review(actor: Actor, today: date) -> Iterator[WorkItem]:
    if not actor.has_perm("matching.decide_duplicatecandidate"):
        return
    # Imported here: the scorer it sits beside loads numpy, which no command needs at start-up.
    from .candidates import candidates_for

    n = candidates_for(actor).count()
    if n:
        yield WorkItem(
            source="matching.duplicates",
            group=_("Register"),
            title=_("Possible duplicates to review: %(n)s") % {"n": to_digits(n)},
            url=reverse("matching:queue"),
        )


def register() -> None:
    from asylon.core import work

    work.register("matching.duplicates", duplicates_to_review)
