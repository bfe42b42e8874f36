"""Statistics API: the disclosure-controlled population table and protection-case figures.
Never internal figures."""

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


class CasesQuery(Schema):
    site: Line | None = None
    on: date | None = None
    start: date | None = None


# Read from `statistics.CaseStatistics`: violence and torture only in `protected_types`,
# outside every total, risk level and opened/closed figure; a hidden figure is null.
class CasesOut(Schema):
    site: str = Field(alias="site.code")
    on: date
    start: date
    threshold: int
    open_total: int | None = Field(description="Open on `on`, the types other than violence and torture")
    open_by_type: dict[str, int | None] = Field(description="By case type code (MEDICAL, LEGAL, ...)")
    open_by_risk: dict[str, int | None] = Field(description="The same cases by risk level code (LOW ... CRITICAL)")
    opened: int | None = Field(description="Opened from `start` to `on`, the types other than violence and torture")
    closed: int | None = Field(description="Closed from `start` to `on`, the same types")
    protected_types: dict[str, int | None] = Field(
        description="Open on `on`: SURVIVOR_OF_VIOLENCE, SURVIVOR_OF_TORTURE; null below the threshold, zero included"
    )

    @staticmethod
    def resolve_open_total(cases: statistics.CaseStatistics) -> int | None:
        return cases.by_type.total

    @staticmethod
    def resolve_open_by_type(cases: statistics.CaseStatistics) -> dict[str, int | None]:
        return cases.by_type.by_key()

    @staticmethod
    def resolve_open_by_risk(cases: statistics.CaseStatistics) -> dict[str, int | None]:
        return cases.by_risk.by_key()

    @staticmethod
    def resolve_protected_types(cases: statistics.CaseStatistics) -> dict[str, int | None]:
        return cases.sensitive.by_key()


@router.get(
    "/statistics/cases",
    response=CasesOut,
    summary="Protection cases by type and risk level (suppressed)",
    auth=requires("reports.view_statistics"),
)
def cases(request: AuthedRequest, q: Query[CasesQuery]):
    if not q.site:
        raise InvalidInput({"site": ["Name the site, e.g. ?site=LIB."]})
    site = registry_queries.site_named(request.user, q.site)
    on = q.on or today()
    start = q.start or on.replace(year=on.year - 1, day=1)
    return statistics.case_statistics(request.user, site=site, on=on, start=start)
