"""Resettlement in the synthetic demo camp: receiving countries with pledges, delegations
and agreements, and cases at every stage, with departures spread over the last months so
that the dashboard shows a real picture on first start. Everything goes through the
services, as officers would do it. All names are invented."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import Group

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.movements import services as movements
from asylon.registry.models import Household, Site
from asylon.status import services as status_services

from . import services
from .models import Category, Priority

COUNTRIES = [
    # code, selection mode, places this year, places next year, categories, family size limit
    ("AL", "DOSSIER", 210, 0, [], None),
    ("DE", "INTERVIEW", 120, 100, ["LPP", "MED", "SVT"], None),
    ("NO", "DOSSIER", 60, 60, [], 6),
    ("FI", "INTERVIEW", 40, 40, ["WGR", "CAR", "MED"], None),
    ("CA", "INTERVIEW", 150, 150, [], None),
]
FIELDS = [
    "case_reference",
    "priority",
    "primary_category",
    "reference",
    "full_name",
    "sex",
    "date_of_birth",
    "nationality",
]
PURPOSE = "resettlement case processing"
# Cases per stage in the demo camp (one each with small=True).
PLAN = [
    ("IDENTIFIED", 6),
    ("ASSESSED", 6),
    ("SUBMITTED", 8),
    ("INTERVIEW", 5),
    ("ACCEPTED", 4),
    ("REJECTED", 3),
    ("EXIT_FORMALITIES", 3),
    ("DEPARTURE_SCHEDULED", 2),
    ("DEPARTED", 18),
    ("ARRIVED", 5),
]


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
        recipient = movements.create_recipient(
            actor=po, name=f"Resettlement delegation {code}", kind="RESETTLEMENT_COUNTRY", country=code
        )
        movements.record_sharing_agreement(
            actor=po,
            recipient=recipient,
            reference=f"RST-{code}-2013",
            purpose=PURPOSE,
            fields=FIELDS,
            valid_from=on - timedelta(days=365),
        )
        country = services.create_receiving_country(actor=rso, country=code, selection_mode=mode, recipient=recipient)
        for year, places in ((on.year, this_year), (on.year + 1, next_year)):
            if places:
                services.record_pledge(
                    actor=rso,
                    country=country,
                    year=year,
                    places=places,
                    categories=categories,
                    max_family_size=family_limit,
                )
        countries[code] = country
    households = list(Household.objects.filter(site=site).order_by("reference")[:60])
    plan = [stage for stage, n in PLAN for _ in range(1 if small else n)]
    households = households[: len(plan)]
    codes = list(countries)
    count = 0
    for n, (household, stage) in enumerate(zip(households, plan, strict=False)):
        case = services.open_case(
            actor=rso,
            household=household,
            primary_category=rng.choice(Category.values[:5]),
            secondary_category="LAS",
            priority=rng.choices(Priority.values, weights=[1, 4, 15])[0],
        )
        count += 1
        if stage == "IDENTIFIED":
            continue
        services.assess_case(
            actor=rso, case=case, need_assessment="Protection risks in the host country; no other durable solution."
        )
        if stage == "ASSESSED":
            continue
        country = countries[codes[n % len(codes)]]
        submitted = on - timedelta(days=rng.randint(20, 300))
        if stage == "REJECTED":
            services.submit_case(actor=rso, case=case, country=country, on=submitted)
            services.decide_submission(actor=rso, case=case, accepted=False, note="Outside the pledge's criteria.")
            continue
        services.submit_case(actor=rso, case=case, country=country, on=submitted)
        if stage == "SUBMITTED":
            continue
        services.schedule_interview(actor=rso, case=case, on=min(on, submitted + timedelta(days=30)))
        if stage == "INTERVIEW":
            continue
        services.decide_submission(actor=rso, case=case, accepted=True)
        if stage == "ACCEPTED":
            continue
        services.start_exit_formalities(actor=rso, case=case)
        services.record_formalities(
            actor=rso, case=case, exit_permit=True, medical_clearance=True, travel_documents=stage != "EXIT_FORMALITIES"
        )
        if stage == "EXIT_FORMALITIES":
            continue
        members = [m.person for m in case.members.filter(active=True).select_related("person")]
        # Recognised refugees (the demo's RSD history is not seeded) with an approved
        # third-country assessment of the destination, as the gate requires (N6).
        status_services._append_entries(
            actor=po,
            person_ids=[p.pk for p in members],
            status="REFUGEE",
            effective_on=on - timedelta(days=400),
            recognised_by="UNHCR",
            determination_mode="INDIVIDUAL",
            legal_basis="1951_CONV",
        )
        for person in members:
            record = movements.record_chain_assessment(
                actor=po,
                person=person,
                country=country.country.code,
                admission_document=f"Acceptance {case.reference}",
                access_to_protection=True,
                respects_non_refoulement=True,
                rationale="Party to the 1951 Convention with a working asylum system.",
            )
            movements.approve_chain_assessment(actor=po2, assessment=record)
        services.schedule_departure(actor=rso, case=case, departure_date=on + timedelta(days=14))
        if stage == "DEPARTURE_SCHEDULED":
            continue
        services.approve_departure(actor=po, case=case)
        services.record_departure(actor=rso, case=case, departed_on=on - timedelta(days=rng.randint(1, 180)))
        if stage == "ARRIVED":
            services.confirm_arrival(actor=rso, case=case)
    return count
