"""One way for every list page to page and sort: `listing(request, qs, sorts, default=...)`.

Called by the list views (persons, incidents, RSD and resettlement cases, movements, imports,
users, the duplicates queue). It guarantees that a list never stops silently: every row the
query returns is reachable through `?page=`, and the page says which rows it shows out of how
many. Sorting reads `?sort=key` or `?sort=-key` and accepts only the keys the view names, so a
request cannot order by an arbitrary (e.g. sensitive) column; an unknown key falls back to the
default. The primary key is always the last ordering, so pages never overlap or skip a row.

Templates show it with `{% include "core/_listing_count.html" %}`, `{% sort_header listing
"key" _("Label") %}` (from `asylon_listing`) and `{% include "core/_pager.html" %}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    page: Page
    sort: str  # the sort in force, e.g. "-occurred" (never an unlisted key)
    query: str  # the request's other parameters, url-encoded, without page and sort

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def href(self, *, page: int | None = None, sort: str | None = None) -> str:
        """A link to this list with another page or sort (a new sort starts at page 1)."""
        parts = [self.query] if self.query else []
        parts.append(f"sort={sort if sort is not None else self.sort}")
        if page is not None and page > 1:
            parts.append(f"page={page}")
        return "?" + "&".join(parts)

    def __iter__(self):
        return iter(self.page)


def listing(
    request: HttpRequest,
    qs: QuerySet,
    sorts: Mapping[str, Sequence[str]],
    *,
    default: str,
    per_page: int | None = None,
) -> Listing:
    """`qs` sorted by the whitelisted `?sort=` (or `default`) and cut into pages.

    `sorts` maps a key the page offers to the fields it orders by; "-key" reverses them all."""
    wanted = request.GET.get("sort", "") or default
    key = wanted.removeprefix("-")
    if key not in sorts:
        wanted, key = default, default.removeprefix("-")
    descending = wanted.startswith("-")
    order = [_flip(f) if descending else f for f in sorts[key]]
    qs = qs.order_by(*order, "-pk" if descending else "pk")
    page = Paginator(qs, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return Listing(page=page, sort=wanted, query=query.urlencode())


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else "-" + field
