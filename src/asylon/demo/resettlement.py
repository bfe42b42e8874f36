"""Resettlement in the synthetic demo camp: receiving countries with pledges, delegations
and agreements, and cases at every stage, with departures spread over the last months so
that the dashboard shows a real picture on first start. Everything goes through the
services, as officers would do it. All names are invented.

The services stamp each step with the moment it is recorded. A demo camp seeded in one go
would then show every case as having reached its stage today, so after walking a case
through the services the seeder backdates that case's stage history to a planned timeline
(`_timeline`, `_backdate`); the business dates the services take (submission, decision,
interview, departure, arrival) are passed from the same timeline."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.movements import risk_profile
from asylon.registry.models import Household, Site
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Recipient
from asylon.solutions import pledges, services
from asylon.solutions.models import Category, Priority, ReceivingCountry, ResettlementCase, StageEntry
from asylon.status.entries import append_entries

COUNTRIES = [
    # code, selection mode, places this year, places next year, categories, family size limit
    ("AL", "DOSSIER", 210, 0, [], None),
    ("DE", "INTERVIEW", 120, 100, ["LPP", "MED", "SVT"], None),
    ("NO", "DOSSIER", 60, 60, [], 6),
    ("FI", "INTERVIEW", 40, 40, ["WGR", "CAR", "MED"], None),
    ("CA", "INTERVIEW", 150, 150, [], None),
]
# What the demo's agreements let a delegation receive: the manifest's columns and what a
# member's page shows (registry.views.PERSON_PAGE_FIELDS, as a resettlement registration
# form carries it), so that the demo's partner reads the members of the cases submitted to
# its country instead of a D3 refusal for fields no agreement covers. Never a sensitive field.
FIELDS = [
    "case_reference",
    "priority",
    "primary_category",
    "reference",
    "full_name",
    "full_name_original",
    "sex",
    "date_of_birth",
    "nationality",
    "country_of_origin",
    "languages",
    "site",
    "unit",
    "household",
    "registered_on",
    "presence",
    "specific_needs",
]
PURPOSE = "resettlement case processing"
# The demo's partner account (`seeding` makes one per role) acts for this delegation.
DEMO_PARTNER = "demo-partner"
DEMO_PARTNER_COUNTRY = "CA"
# Cases per stage in the demo camp (one each with small=True).
PLAN = [
    ("IDENTIFIED", 6),
    ("ASSESSED", 6),
    ("SUBMITTED", 8),
    ("INTERVIEW", 5),
    ("ACCEPTED", 4),
    ("REJECTED", 3),
    ("EXIT_FORMALITIES", 3),
    ("DEPARTURE_SCHEDULED", 3),  # one for each language the browser journeys walk in
    ("DEPARTED", 18),
    ("ARRIVED", 5),
]

# The actions that bring a case to each stage, after "open" (names as in StageEntry.action).
PATHS = {
    "IDENTIFIED": [],
    "ASSESSED": ["assess"],
    "SUBMITTED": ["assess", "submit"],
    "INTERVIEW": ["assess", "submit", "interview"],
    "ACCEPTED": ["assess", "submit", "interview", "accept"],
    "REJECTED": ["assess", "submit", "reject"],
    "EXIT_FORMALITIES": ["assess", "submit", "interview", "accept", "exit_formalities"],
    "DEPARTURE_SCHEDULED": ["assess", "submit", "interview", "accept", "exit_formalities", "schedule_departure"],
}
PATHS["DEPARTED"] = [*PATHS["DEPARTURE_SCHEDULED"], "depart"]
PATHS["ARRIVED"] = [*PATHS["DEPARTED"], "confirm_arrival"]
# Days a case waits before each action (lowest, highest).
GAPS = {
    "assess": (7, 30),
    "submit": (14, 45),
    "interview": (20, 50),
    "accept": (14, 40),
    "reject": (14, 40),
    "exit_formalities": (1, 7),
    "schedule_departure": (20, 45),
    "depart": (7, 21),
    "confirm_arrival": (1, 3),
}
DEPARTURE_SPAN = 180  # departures are spread over the last six months


def _timeline(rng: random.Random, stage: str, last: date) -> dict[str, date]:
    """The day of each step of a case now at `stage`, walking back from its last step."""
    steps = ["open", *PATHS[stage]]
    days = {steps[-1]: last}
    for before, step in zip(reversed(steps[:-1]), reversed(steps[1:]), strict=True):
        days[before] = days[step] - timedelta(days=rng.randint(*GAPS[step]))
    return days


def _last_step(rng: random.Random, on: date, stage: str, departure: date | None) -> date:
    if stage == "ARRIVED":
        assert departure is not None
        return min(on - timedelta(days=1), departure + timedelta(days=rng.randint(*GAPS["confirm_arrival"])))
    return departure if departure is not None else on - timedelta(days=rng.randint(3, 100))


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8 + rng.randint(0, 8), rng.randint(0, 59))))


def _backdate(case: ResettlementCase, days: dict[str, date], rng: random.Random) -> None:
    """Move the case's recorded steps to the days of its timeline (see the module's note)."""
    entries = list(StageEntry.objects.filter(case=case).order_by("pk"))
    for entry in entries:
        entry.at = _moment(days[entry.action], rng)
    StageEntry.objects.bulk_update(entries, ["at"])
    ResettlementCase.objects.filter(pk=case.pk).update(
        created_at=entries[0].at, stage_since=entries[-1].at, assessed_on=days.get("assess")
    )


def _officer(username: str, role: str, site: Site) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=role))
    user.sites.add(site)
    return user


def seed_resettlement(site: Site, actor: User, *, small: bool = False) -> int:
    """Seed the demo's resettlement picture in `site`; returns the number of cases."""
    on = today()
    rng = random.Random(7)
    po = _officer("demo-seeder-protection", Role.PROTECTION_OFFICER, site)
    po2 = _officer("demo-seeder-protection-2", Role.PROTECTION_OFFICER, site)
    rso = _officer("demo-seeder-resettlement", Role.RESETTLEMENT_OFFICER, site)
    for user in (po, po2, rso):  # fresh permission caches
        for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
            user.__dict__.pop(attr, None)
    countries = {}
    for code, mode, this_year, next_year, categories, family_limit in COUNTRIES:
        recipient = sharing_services.create_recipient(
            actor=po, name=f"Resettlement delegation {code}", kind="RESETTLEMENT_COUNTRY", country=code
        )
        sharing_services.record_sharing_agreement(
            actor=po,
            recipient=recipient,
            reference=f"RST-{code}-2013",
            purpose=PURPOSE,
            fields=FIELDS,
            valid_from=on - timedelta(days=365),
        )
        country = pledges.create_receiving_country(actor=rso, country=code, selection_mode=mode, recipient=recipient)
        for year, places in ((on.year, this_year), (on.year + 1, next_year)):
            if places:
                pledges.record_pledge(
                    actor=rso,
                    country=country,
                    year=year,
                    places=places,
                    categories=categories,
                    max_family_size=family_limit,
                )
        countries[code] = country
    partner = User.objects.filter(username=DEMO_PARTNER).first()
    delegation = countries[DEMO_PARTNER_COUNTRY].recipient
    if partner is not None and delegation is not None and not Recipient.objects.filter(users=partner).exists():
        sharing_services.link_recipient_user(actor=po, recipient=delegation, user=partner)
    households = list(Household.objects.filter(site=site).order_by("reference")[:60])
    plan = [stage for stage, n in PLAN for _ in range(1 if small else n)]
    households = households[: len(plan)]
    codes = list(countries)
    departing = [n for n, stage in enumerate(plan) if stage in ("DEPARTED", "ARRIVED")]
    # Evenly over the last months, the earliest departures being the ones already arrived.
    departures = {
        n: on - timedelta(days=round(DEPARTURE_SPAN * (k + 0.5) / len(departing))) for k, n in enumerate(departing)
    }
    count = 0
    for n, (household, stage) in enumerate(zip(households, plan, strict=False)):
        days = _timeline(rng, stage, _last_step(rng, on, stage, departures.get(n)))
        case = services.open_case(
            actor=rso,
            household=household,
            primary_category=rng.choice(Category.values[:5]),
            secondary_category="LAS",
            priority=rng.choices(Priority.values, weights=[1, 4, 15])[0],
        )
        count += 1
        _walk(case, stage, days, countries[codes[n % len(codes)]], rso=rso, po=po, po2=po2, on=on)
        _backdate(case, days, rng)
    return count


def _walk(
    case: ResettlementCase,
    stage: str,
    days: dict[str, date],
    country: ReceivingCountry,
    *,
    rso: User,
    po: User,
    po2: User,
    on: date,
) -> None:
    """Take a case through the services up to `stage`, with the business dates of `days`."""
    if stage == "IDENTIFIED":
        return
    services.assess_case(
        actor=rso, case=case, need_assessment="Protection risks in the host country; no other durable solution."
    )
    if stage == "ASSESSED":
        return
    services.submit_case(actor=rso, case=case, country=country, on=days["submit"])
    if stage == "REJECTED":
        services.decide_submission(
            actor=rso, case=case, accepted=False, note="Outside the pledge's criteria.", on=days["reject"]
        )
        return
    if stage == "SUBMITTED":
        return
    services.schedule_interview(actor=rso, case=case, on=days["interview"])
    if stage == "INTERVIEW":
        return
    services.decide_submission(actor=rso, case=case, accepted=True, on=days["accept"])
    if stage == "ACCEPTED":
        return
    services.start_exit_formalities(actor=rso, case=case)
    services.record_formalities(
        actor=rso, case=case, exit_permit=True, medical_clearance=True, travel_documents=stage != "EXIT_FORMALITIES"
    )
    if stage == "EXIT_FORMALITIES":
        return
    members = [m.person for m in case.members.filter(active=True).select_related("person")]
    # Recognised refugees (the demo's RSD history is not seeded) with an approved
    # third-country assessment of the destination, as the gate requires (N6).
    append_entries(
        actor=po,
        person_ids=[p.pk for p in members],
        status="REFUGEE",
        effective_on=days["open"] - timedelta(days=60),
        recognised_by="UNHCR",
        determination_mode="INDIVIDUAL",
        legal_basis="1951_CONV",
    )
    for person in members:
        record = risk_profile.record_chain_assessment(
            actor=po,
            person=person,
            country=country.country.code,
            admission_document=f"Acceptance {case.reference}",
            access_to_protection=True,
            respects_non_refoulement=True,
            rationale="Party to the 1951 Convention with a working asylum system.",
        )
        risk_profile.approve_chain_assessment(actor=po2, assessment=record)
    departure = days.get("depart", on + timedelta(days=14))
    services.schedule_departure(actor=rso, case=case, departure_date=departure)
    if stage == "DEPARTURE_SCHEDULED":
        return
    services.approve_departure(actor=po, case=case)
    services.record_departure(actor=rso, case=case, departed_on=departure)
    if stage == "ARRIVED":
        services.confirm_arrival(actor=rso, case=case, arrived_on=days["confirm_arrival"])
