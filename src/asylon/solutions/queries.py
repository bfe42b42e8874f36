"""Reads of resettlement, scoped to the actor's sites and role.

A partner account (a resettlement country's delegation) sees only the cases with an open
submission to its own country, and of those only the members its recipient holds an open
sharing grant for (sharing.guard.shared_persons_for, D3); every read of their data is a
recorded release (`guard_members`)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from asylon.core.dates import today as today_
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.scope import ensure, site_ids
from asylon.core.types import Actor
from asylon.movements import gate
from asylon.movements.models import MovementKind
from asylon.registry.models import Membership, Person, Presence, Site
from asylon.safeguards import Assessment
from asylon.sharing.guard import guard_read, recipient_of, shared_persons_for

from .models import (
    TARGET_DAYS,
    CaseMember,
    Outcome,
    Pledge,
    Priority,
    ReceivingCountry,
    ResettlementCase,
    Stage,
    Submission,
    SubmissionBatch,
)
from .projection import WINDOW_DAYS, Projection, project_emptying
from .transitions import TIMED_STAGES

PARTNER_FIELDS = ["reference", "full_name", "sex", "date_of_birth", "nationality"]
OPEN = [Outcome.PENDING, Outcome.ACCEPTED]


def cases_for(actor: Actor) -> QuerySet[ResettlementCase]:
    if not actor.has_perm("solutions.view_resettlementcase"):
        return ResettlementCase.objects.none()
    qs = ResettlementCase.objects.filter(site_id__in=site_ids(actor)).select_related("site", "country", "household")
    recipient = recipient_of(actor)
    # A superuser holds every permission, read_shared_cases too, but is staff, not a partner.
    if recipient is None and actor.has_perm("movements.read_shared_cases") and not actor.is_superuser:
        return ResettlementCase.objects.none()  # a partner account linked to no recipient sees nothing
    if recipient is not None:
        shared = shared_persons_for(actor)
        visible = CaseMember.objects.filter(active=True, person_id__in=shared).values("case_id")
        submitted = ResettlementCase.objects.filter(
            submissions__country__recipient=recipient, submissions__outcome__in=OPEN
        ).values("pk")
        qs = qs.filter(pk__in=submitted).filter(pk__in=visible)
    return qs


def get_case(actor: Actor, reference: str) -> ResettlementCase:
    case = cases_for(actor).filter(reference=reference).first()
    if case is None:
        raise NotFound("No such resettlement case.")
    return case


def members_for(actor: Actor, case: ResettlementCase) -> list[CaseMember]:
    """The members the actor may see: all for staff; for a partner only those shared with it."""
    qs = case.members.select_related("person", "movement").order_by("pk")
    if recipient_of(actor) is not None:
        qs = qs.filter(active=True, person_id__in=shared_persons_for(actor))
    return list(qs)


def guard_members(actor: Actor, members: list[CaseMember], channel: str) -> None:
    """A partner's read is a release of PARTNER_FIELDS (recorded; refused if not allowed)."""
    guard_read(actor, [m.person for m in members], fields=PARTNER_FIELDS, channel=channel)


def case_history(actor: Actor, case: ResettlementCase) -> tuple[list | QuerySet, list | QuerySet]:
    """The case's stage entries and submissions, in order; none for a partner, who reads the
    case and not the office's work on it (D3)."""
    if recipient_of(actor) is not None:
        return [], []
    return (
        case.stage_entries.select_related("actor").order_by("pk"),
        case.submissions.select_related("country").order_by("pk"),
    )


def receiving_countries() -> QuerySet[ReceivingCountry]:
    """Every receiving country, for a list's choices (no personal data)."""
    return ReceivingCountry.objects.all()


def receiving_country(pk) -> ReceivingCountry | None:
    """The receiving country a form names by its key, or None."""
    return ReceivingCountry.objects.filter(pk=pk or 0).first()


def get_batch(actor: Actor, pk: int) -> SubmissionBatch:
    """A submission batch, for whoever manages resettlement (the route checks the role): a
    batch spans the sites of its cases, its manifest holds only the agreement's fields."""
    batch = SubmissionBatch.objects.filter(pk=pk).select_related("country__recipient").first()
    if batch is None:
        raise NotFound("No such submission batch.")
    return batch


def countries_for(actor: Actor) -> QuerySet[ReceivingCountry]:
    """Receiving countries and their pledges (reference data of the whole operation)."""
    if not actor.has_perm("solutions.view_receivingcountry"):
        return ReceivingCountry.objects.none()
    return ReceivingCountry.objects.select_related("recipient").prefetch_related("pledges")


def get_country(actor: Actor, code: str) -> ReceivingCountry:
    """A receiving country by its ISO code (reference data of the whole operation)."""
    country = countries_for(actor).filter(country=(code or "").upper()).first()
    if country is None:
        raise NotFound("No such receiving country.")
    return country


def get_pledge(actor: Actor, country: ReceivingCountry, year: int) -> Pledge:
    pledge = None
    if actor.has_perm("solutions.view_receivingcountry"):
        pledge = Pledge.objects.filter(country=country, year=year).select_related("country").first()
    if pledge is None:
        raise NotFound("No such pledge.")
    return pledge


@dataclass(frozen=True)
class PledgeRow:
    """A pledge and the places used of it: the persons of the country's cases (every site)
    who departed in the pledge's year, and, for this year's pledge, those accepted and not
    yet gone, who hold their place (`places_taken`, as the departure's confirmation counts)."""

    pledge: Pledge
    used: int

    @property
    def left(self) -> int:
        return self.pledge.places - self.used


@dataclass(frozen=True)
class CountryPledges:
    country: ReceivingCountry
    pledges: list[PledgeRow]


def with_pledges(countries: Iterable[ReceivingCountry], on: date | None = None) -> list[CountryPledges]:
    """Each country with its pledges by year and the places used: two queries whatever the count."""
    on = on or today_()
    countries = list(countries)
    ids = [c.pk for c in countries]
    departed: dict[tuple[int, int], int] = defaultdict(int)
    for cid, year, n in (
        ResettlementCase.objects.filter(country_id__in=ids, departed_on__isnull=False)
        .exclude(stage=Stage.CLOSED)
        .values_list("country_id", "departed_on__year")
        .annotate(n=Sum("persons"))
        .order_by()
    ):
        departed[(cid, year)] += n or 0
    waiting: dict[int, int] = defaultdict(int)
    for cid, n in (
        ResettlementCase.objects.filter(country_id__in=ids, stage__in=WAITING)
        .values_list("country_id")
        .annotate(n=Sum("persons"))
        .order_by()
    ):
        waiting[cid] += n or 0
    return [
        CountryPledges(
            c,
            [
                PledgeRow(p, departed[(c.pk, p.year)] + (waiting[c.pk] if p.year == on.year else 0))
                for p in sorted(c.pledges.all(), key=lambda p: p.year)
            ],
        )
        for c in countries
    ]


def sites_for_dashboard(actor: Actor) -> QuerySet[Site]:
    if not actor.has_perm("solutions.view_resettlement_dashboard"):
        return Site.objects.none()
    return Site.objects.filter(pk__in=site_ids(actor)).order_by("code")


# --- the dashboard ---------------------------------------------------------------------------


@dataclass
class StageRow:
    stage: str
    label: str
    cases: int
    longest_days: int | None
    shortest_days: int | None


@dataclass
class CountryRow:
    country: ReceivingCountry
    pledged: int
    submitted: int  # persons in cases submitted (any outcome)
    accepted: int
    departed: int


@dataclass
class Dashboard:
    site: Site
    on: date
    residents: int
    departed_by_month: list[tuple[date, int]]
    stages: list[StageRow]
    countries: list[CountryRow]
    overdue: list[ResettlementCase]
    overdue_count: int
    projection: Projection


def _days(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, (now - since).days)


def _overdue_q(on: date) -> Q:
    q = Q()
    for priority in Priority.values:
        q |= Q(priority=priority, submitted_on__lt=on - timedelta(days=TARGET_DAYS[priority]))
    return Q(stage__in=TIMED_STAGES) & q


WAITING = [Stage.ACCEPTED, Stage.EXIT_FORMALITIES, Stage.DEPARTURE_SCHEDULED]  # accepted, not yet gone


def places_taken(cases: QuerySet[ResettlementCase], on: date) -> int:
    """Persons of `cases` holding a place of the year's pledges: departed in the year of
    `on`, or accepted and not yet gone (an accepted resident holds their place)."""
    taken = cases.filter(Q(departed_on__year=on.year) | Q(stage__in=WAITING)).exclude(stage=Stage.CLOSED)
    return taken.aggregate(n=Sum("persons"))["n"] or 0


def dashboard(site: Site, on: date | None = None) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the site's size.

    Persons are counted with each case's `persons` (members less those split off), so no
    query joins the members: the largest reads aggregate the site's cases."""
    on = on or today_()
    now = timezone.now()
    residents = Person.objects.filter(site=site).exclude(presence__in=[Presence.DEPARTED, Presence.DECEASED]).count()
    cases = ResettlementCase.objects.filter(site=site)

    by_day: dict[date, int] = defaultdict(int)
    departed_by_country: dict[int, int] = defaultdict(int)
    for day, cid, n in (
        cases.filter(departed_on__isnull=False)
        .exclude(stage=Stage.CLOSED)
        .values_list("departed_on", "country_id")
        .annotate(n=Sum("persons"))
        .order_by()
    ):
        by_day[day] += n
        departed_by_country[cid] += n
    months: dict[date, int] = defaultdict(int)
    for day, n in by_day.items():
        months[day.replace(day=1)] += n

    stage_rows = {
        row["stage"]: row
        for row in cases.values("stage")
        .annotate(n=Count("pk"), persons=Sum("persons"), oldest=Min("stage_since"), newest=Max("stage_since"))
        .order_by()
    }
    stages = [
        StageRow(
            s.value,
            str(s.label),
            stage_rows.get(s.value, {}).get("n", 0),
            _days(stage_rows.get(s.value, {}).get("oldest"), now),
            _days(stage_rows.get(s.value, {}).get("newest"), now),
        )
        for s in Stage
    ]

    countries = list(ReceivingCountry.objects.order_by("country"))
    pledged: dict[int, int] = defaultdict(int)
    future_places = 0
    for cid, year, places in (
        Pledge.objects.filter(year__gte=on.year).values_list("country_id", "year").annotate(p=Sum("places")).order_by()
    ):
        future_places += places or 0
        if year == on.year:
            pledged[cid] += places or 0
    per_country: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cid, outcome, n in (
        Submission.objects.filter(case__site=site)
        .values_list("country_id", "outcome")
        .annotate(n=Sum("case__persons"))
        .order_by()
    ):
        per_country[cid]["submitted"] += n
        if outcome == Outcome.ACCEPTED:
            per_country[cid]["accepted"] += n
    country_rows = [
        CountryRow(
            c,
            pledged[c.pk],
            per_country[c.pk]["submitted"],
            per_country[c.pk]["accepted"],
            departed_by_country[c.pk],
        )
        for c in countries
    ]

    # Places the pledges still offer: this year's and later years' places, less the persons
    # who already left (or were accepted and wait) against them this year, over all sites.
    used = places_taken(ResettlementCase.objects.all(), on)
    waiting = sum(stage_rows.get(s, {}).get("persons") or 0 for s in WAITING)
    available = max(0, future_places - used) + waiting  # accepted residents hold their place

    overdue_qs = cases.filter(_overdue_q(on))
    overdue = list(overdue_qs.select_related("country").order_by("submitted_on", "reference")[:25])
    overdue_count = overdue_qs.count()

    projection = project_emptying(residents=residents, departures_by_day=by_day, today=on, places_available=available)
    return Dashboard(
        site=site,
        on=on,
        residents=residents,
        departed_by_month=sorted(months.items()),
        stages=stages,
        countries=country_rows,
        overdue=overdue,
        overdue_count=overdue_count,
        projection=projection,
    )


# --- figures for the situation report (counts only: no person is named) ----------------------


@dataclass(frozen=True)
class ResettlementFigures:
    by_stage: list[tuple[str, str, int]]  # (stage, label, cases) today, every stage in order
    departed_in_period: int  # persons whose case departed between start and end
    projection: Projection  # the dashboard's, as of `end`


def resettlement_in_period(*, actor: Actor, site: Site, start: date, end: date) -> ResettlementFigures:
    """Resettlement at `site`: today's cases by stage, the persons who departed between
    `start` and `end` (both included) by their case's departure date (not the day it was
    entered), and the dashboard's projection of the emptying of the site as of `end`.
    Counts only: a role that may read the site's statistics may read them."""
    ensure(actor, "reports.view_statistics", site)
    board = dashboard(site, on=end)
    departed = (
        ResettlementCase.objects.filter(site=site, departed_on__gte=start, departed_on__lte=end)
        .exclude(stage=Stage.CLOSED)
        .aggregate(n=Sum("persons"))["n"]
    )
    return ResettlementFigures(
        by_stage=[(row.stage, row.label, row.cases) for row in board.stages],
        departed_in_period=departed or 0,
        projection=board.projection,
    )


def departure_days(*, actor: Actor, site: Site) -> dict[int, date]:
    """The day each resettlement departure from `site` left, by movement id: the case's
    departure date, which the officer gives and may be earlier than the day it was entered."""
    ensure(actor, "reports.view_statistics", site)
    rows = CaseMember.objects.filter(case__site=site, case__departed_on__isnull=False, movement__isnull=False)
    return {movement: day for movement, day in rows.values_list("movement_id", "case__departed_on") if day}


# --- what a step will do, read before it is taken ----------------------------------------------

GONE = (Presence.DEPARTED, Presence.DECEASED)


def gate_assessments(actor: Actor, persons: list[Person], destination: str) -> list[tuple[Person, Assessment]]:
    """What the non-refoulement gate would answer today for these persons' departure together
    to `destination` (read only: nothing is recorded; the departure itself is assessed again,
    and recorded, by movements.requests)."""
    answers = gate.preview_movement(
        actor=actor, persons=persons, kind=MovementKind.RESETTLEMENT_DEPARTURE, destination_country=destination
    )
    return [(person, answers[person.pk]) for person in persons]


@dataclass(frozen=True)
class MemberRefusal:
    person: Person
    rule: str
    reason: dict  # the block as stored (`Block.as_dict()`): rule, basis, message


# Where the evidence a refused rule misses is recorded: the section of the person's risk profile.
EVIDENCE_SECTIONS = {"N6": "chain-h", "N2": "ra-h", "N3": "ra-h", "N1": "where-h"}


def evidence_path(rule: str, person: Person) -> str | None:
    """The URL path (with the section) where the evidence `rule` misses for `person` is
    recorded or shown, as the refusal on the case page links to it; None when there is none."""
    section = EVIDENCE_SECTIONS.get(rule)
    if section is None:
        return None
    return f"{reverse('movements:risk_profile', args=[person.reference])}#{section}"


@dataclass(frozen=True)
class RefusalGroup:
    """One reason, and the members it stops (said once, however many it stops)."""

    rule: str
    reason: dict
    persons: list[Person]


def group_refusals(refusals: list[MemberRefusal]) -> list[RefusalGroup]:
    groups: dict[str, RefusalGroup] = {}
    for r in refusals:
        key = json.dumps(r.reason, sort_keys=True, default=str)
        groups.setdefault(key, RefusalGroup(r.rule, r.reason, [])).persons.append(r.person)
    return list(groups.values())


@dataclass(frozen=True)
class DepartureCheck:
    """The checks a departure to `country` will run, run now for the case's members."""

    country: ReceivingCountry
    refusals: list[MemberRefusal]

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def groups(self) -> list[RefusalGroup]:
        return group_refusals(self.refusals)


def _own_blocks(answer: Assessment) -> list:
    """The reasons that stop this member themselves. N8 (family unity) also fires for a member
    whose relatives are stopped; said beside the member's own refusal it only repeats that the
    others are refused, so it is kept only when it is the member's sole reason."""
    own = [b for b in answer.blocks if b.rule != "N8"]
    return own or list(answer.blocks)


def departure_check(actor: Actor, case: ResettlementCase, country: ReceivingCountry) -> DepartureCheck:
    """The same gate the departure will run (N1-N8 for each active member), today, for
    `country`: said at submission so that the missing evidence can be recorded in time."""
    ensure(actor, "solutions.view_resettlementcase", case)
    rows = list(case.members.filter(active=True).select_related("person").order_by("pk"))
    refusals = [
        MemberRefusal(person, block.rule, block.as_dict())
        for person, answer in gate_assessments(actor, [m.person for m in rows], country.country.code)
        for block in _own_blocks(answer)
    ]
    return DepartureCheck(country, refusals)


@dataclass(frozen=True)
class PledgeUse:
    year: int
    places: int
    taken_before: int  # persons departed this year or accepted and waiting, other cases
    taken_now: int

    @property
    def remaining(self) -> int:
        return self.places - self.taken_before - self.taken_now


@dataclass(frozen=True)
class StepSummary:
    """What a big step will change, shown on its confirmation page."""

    case: ResettlementCase
    country: ReceivingCountry | None
    members: list[Person]  # the members the step acts on
    staying: list[Person] = field(default_factory=list)  # household members who stay behind
    pledge: PledgeUse | None = None
    withdrawn: bool = False  # an open submission is withdrawn


def _active_persons(case: ResettlementCase) -> list[Person]:
    rows = case.members.filter(active=True).select_related("person").order_by("pk")
    return [m.person for m in rows]


def _pledge_use(case: ResettlementCase, on: date) -> PledgeUse | None:
    if case.country is None:
        return None
    pledge = Pledge.objects.filter(country=case.country, year=on.year).first()
    if pledge is None:
        return None
    before = places_taken(ResettlementCase.objects.filter(country=case.country).exclude(pk=case.pk), on)
    return PledgeUse(on.year, pledge.places, before, case.persons)


def departure_summary(actor: Actor, case: ResettlementCase) -> StepSummary:
    """Recording the departure: who leaves, who of the household stays, the pledge's places."""
    ensure(actor, "solutions.view_resettlementcase", case)
    leaving = _active_persons(case)
    staying = [
        m.person
        for m in Membership.objects.filter(household_id=case.household_id, ended_on__isnull=True)
        .exclude(person__presence__in=GONE)
        .exclude(person__in=leaving)
        .select_related("person")
        .order_by("pk")
    ]
    return StepSummary(case, case.country, leaving, staying, _pledge_use(case, today_()))


def rejection_summary(actor: Actor, case: ResettlementCase) -> StepSummary:
    """Recording a rejection: the country whose sight of these members ends."""
    ensure(actor, "solutions.view_resettlementcase", case)
    return StepSummary(case, case.country, _active_persons(case))


def closure_summary(actor: Actor, case: ResettlementCase) -> StepSummary:
    """Closing: the members who leave the case, and the submission withdrawn, if any."""
    ensure(actor, "solutions.view_resettlementcase", case)
    open_sub = case.submissions.filter(outcome__in=OPEN).select_related("country").first()
    return StepSummary(
        case, open_sub.country if open_sub else None, _active_persons(case), withdrawn=open_sub is not None
    )


def submission_summary(actor: Actor, case: ResettlementCase, country: ReceivingCountry) -> StepSummary:
    """Submitting: the members the country's delegation will then see."""
    ensure(actor, "solutions.view_resettlementcase", case)
    return StepSummary(case, country, _active_persons(case))


__all__ = [
    "WINDOW_DAYS",
    "Dashboard",
    "ResettlementFigures",
    "cases_for",
    "dashboard",
    "departure_days",
    "get_case",
    "members_for",
    "resettlement_in_period",
]


# --- reads for the API ---------------------------------------------------------------------------


def receiving_country_coded(code: str | None, *, field: str = "country") -> ReceivingCountry:
    """The receiving country an API caller names by ISO alpha-2 code (any case); else a 422."""
    country = ReceivingCountry.objects.select_related("recipient").filter(country=(code or "").upper()).first()
    if country is None:
        raise InvalidInput({field: ["Not a receiving country."]})
    return country


def cases_named(actor: Actor, references: list[str]) -> list[ResettlementCase]:
    """The actor's cases with these references, all of them or a 404."""
    cases = list(cases_for(actor).filter(reference__in=references))
    if len(cases) != len(set(references)):
        raise NotFound("No such resettlement case.")
    return cases
