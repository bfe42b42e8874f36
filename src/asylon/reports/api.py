"""Statistics API: the disclosure-controlled population table. Never internal figures."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from asylon.core.api_edge import Line, requires
from asylon.core.dates import today
from asylon.core.errors import InvalidInput, NotFound
from asylon.registry.models import Site

from . import statistics

router = Router(tags=["statistics"])


class PopulationQuery(Schema):
    # Optional in the schema, so that a missing site is named in the project's own error body.
    site: Line | None = None
    on: date | None = None


class AgeRow(Schema):
    age: str
    female: int | None
    male: int | None
    other_or_unknown: int | None
    total: int | None


class PopulationOut(Schema):
    site: str
    on: date
    threshold: int
    total: int | None
    households: int | None
    estimated_dob: int | None
    female: int | None
    male: int | None
    other_or_unknown: int | None
    by_age: list[AgeRow]
    by_presence: dict[str, int | None] = Field(description="By presence code (PRESENT, HOSPITALISED, ...)")
    by_nationality: dict[str, int | None] = Field(description="By ISO 3166 code; '' not recorded")


@router.get(
    "/statistics/population",
    response=PopulationOut,
    summary="Population by age and sex (suppressed)",
    auth=requires("reports.view_statistics"),
)
def population(request: HttpRequest, q: Query[PopulationQuery]):
    if not q.site:
        raise InvalidInput({"site": ["Name the site, e.g. ?site=LIB."]})
    site = Site.objects.filter(code=q.site).first()
    if site is None:
        raise NotFound("No such site.")
    stats = statistics.population_statistics(request.user, site=site, on=q.on or today())
    t = stats.age_sex
    return {
        "site": site.code,
        "on": stats.on,
        "threshold": stats.threshold,
        "total": stats.total,
        "households": stats.households,
        "estimated_dob": stats.estimated_dob,
        "female": t.col_totals[0],
        "male": t.col_totals[1],
        "other_or_unknown": t.col_totals[2],
        "by_age": [
            {"age": label, "female": c[0], "male": c[1], "other_or_unknown": c[2], "total": total}
            for label, c, total in t.rows()
        ],
        "by_presence": stats.presence.by_key(),
        "by_nationality": stats.nationality.by_key(),
    }
