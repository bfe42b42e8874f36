"""Statistics API: the disclosure-controlled population table. Never internal figures."""

from __future__ import annotations

from datetime import date

from ninja import Field, Query, Router, Schema

from asylon.core.api_edge import Line, requires
from asylon.core.dates import today
from asylon.core.errors import InvalidInput
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

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


# Read from `statistics.Statistics`: the published (suppressed) figures only. (No docstring:
# it would become the schema's description in the OpenAPI document.)
class PopulationOut(Schema):
    site: str = Field(alias="site.code")
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

    # Columns of the age × sex table: female, male, other or unknown (`statistics.sex_labels`).
    @staticmethod
    def resolve_female(stats: statistics.Statistics) -> int | None:
        return stats.age_sex.col_totals[0]

    @staticmethod
    def resolve_male(stats: statistics.Statistics) -> int | None:
        return stats.age_sex.col_totals[1]

    @staticmethod
    def resolve_other_or_unknown(stats: statistics.Statistics) -> int | None:
        return stats.age_sex.col_totals[2]

    @staticmethod
    def resolve_by_age(stats: statistics.Statistics) -> list[dict]:
        return [
            {"age": label, "female": c[0], "male": c[1], "other_or_unknown": c[2], "total": total}
            for label, c, total in stats.age_sex.rows()
        ]

    @staticmethod
    def resolve_by_presence(stats: statistics.Statistics) -> dict[str, int | None]:
        return stats.presence.by_key()

    @staticmethod
    def resolve_by_nationality(stats: statistics.Statistics) -> dict[str, int | None]:
        return stats.nationality.by_key()


@router.get(
    "/statistics/population",
    response=PopulationOut,
    summary="Population by age and sex (suppressed)",
    auth=requires("reports.view_statistics"),
)
def population(request: AuthedRequest, q: Query[PopulationQuery]):
    if not q.site:
        raise InvalidInput({"site": ["Name the site, e.g. ?site=LIB."]})
    site = registry_queries.site_named(request.user, q.site)
    return statistics.population_statistics(request.user, site=site, on=q.on or today())
