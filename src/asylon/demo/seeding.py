"""The synthetic demo camp. Every name, date and reference here is invented.

A camp of about 3,000 residents in households of realistic sizes, with an age pyramid,
specific needs at plausible rates, and Persian names romanised the many ways real
registrations spell them (some also in Persian script). Seeding goes through the same
services as a clerk would, in one transaction, so it is all or nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.audit import services as audit
from asylon.core.types import Actor
from asylon.registry import services
from asylon.registry.models import Location, Person, Site, SiteDesignation

from . import synthetic
from .resettlement import seed_resettlement

SITE_CODE = "LIB"
SEED = 20120217  # fixed, so every machine gets the same camp

# Household sizes: many single adults, some large families (weights sum to 100).
HOUSEHOLD_SIZES = [(1, 34), (2, 18), (3, 15), (4, 14), (5, 10), (6, 6), (7, 3)]
NEED_RATES = [
    ("SM-CI", 0.08),
    ("DS-PM", 0.03),
    ("ER-NF", 0.02),
    ("TR-PI", 0.04),
    ("SM-MI", 0.02),
    ("WR-SF", 0.015),
    ("SP-PT", 0.01),
    ("FU-TR", 0.02),
]


@dataclass
class DemoResult:
    created: bool
    persons: int
    users: dict[str, str]  # username -> password, printed once
    # username -> second-factor enrolment code (roles that see sensitive fields), printed once
    enrolment_codes: dict[str, str] = field(default_factory=dict)


def _romanised(entry, rng: random.Random) -> str:
    return synthetic.romanise_variant(entry, rng)


def _dob(rng: random.Random, age: int, on: date) -> tuple[date, str]:
    born = on - timedelta(days=age * 365 + rng.randint(0, 364))
    precision = rng.choices(["EXACT", "YEAR", "ESTIMATED"], weights=[85, 10, 5])[0]
    if precision != "EXACT":
        born = date(born.year, 7, 1)
    return born, precision


def _member(rng, relationship: str, sex: str, age: int, family, father, on: date, script: bool, given=None) -> dict:
    pool = synthetic.PERSIAN_GIVEN_NAMES_MALE if sex == "M" else synthetic.PERSIAN_GIVEN_NAMES_FEMALE
    given = given or rng.choice(pool)
    dob, precision = _dob(rng, age, on)
    data = {
        "relationship": relationship,
        "given_name": _romanised(given, rng),
        "fathers_name": _romanised(father, rng),
        "family_name": _romanised(family, rng),
        "sex": sex,
        "date_of_birth": dob,
        "dob_precision": precision,
        "nationality": "IR",
        "country_of_origin": "IR",
        "languages": "fa",
        "registered_on": on - timedelta(days=rng.randint(0, 400)),
        "specific_needs": [code for code, rate in NEED_RATES if rng.random() < rate * (2 if age >= 60 else 1)],
    }
    if script:
        data.update(
            given_name_original=given.persian, fathers_name_original=father.persian, family_name_original=family.persian
        )
    return data


def _household(rng: random.Random, on: date) -> list[dict]:
    males, females = synthetic.PERSIAN_GIVEN_NAMES_MALE, synthetic.PERSIAN_GIVEN_NAMES_FEMALE
    size = rng.choices([s for s, _ in HOUSEHOLD_SIZES], weights=[w for _, w in HOUSEHOLD_SIZES])[0]
    family = rng.choice(synthetic.FAMILY_NAMES)
    script = rng.random() < 0.3
    pa_sex = rng.choices(["M", "F"], weights=[70, 30])[0]
    pa_age = rng.randint(22, 72) if size > 1 else rng.randint(20, 80)
    pa_given = rng.choice(males if pa_sex == "M" else females)
    pa_father = rng.choice(males)
    members = [_member(rng, "PA", pa_sex, pa_age, family, pa_father, on, script, given=pa_given)]
    # Children carry their father's given name as father's name: the PA's, or the spouse's.
    childrens_father = pa_given if pa_sex == "M" else rng.choice(males)
    if size > 1 and rng.random() < 0.85:
        spouse_sex = "F" if pa_sex == "M" else "M"
        spouse_given = childrens_father if spouse_sex == "M" else None
        members.append(
            _member(
                rng,
                "SPOUSE",
                spouse_sex,
                max(18, pa_age + rng.randint(-8, 4)),
                rng.choice(synthetic.FAMILY_NAMES),
                rng.choice(males),
                on,
                script,
                given=spouse_given,
            )
        )
    while len(members) < size:
        if pa_age > 55 and rng.random() < 0.3:
            rel, age, father = "GRANDCHILD", rng.randint(0, 14), rng.choice(males)
        elif pa_age < 45 and rng.random() < 0.08:
            rel, age, father = "PARENT", min(95, pa_age + rng.randint(20, 32)), rng.choice(males)
        else:
            rel, age, father = "CHILD", max(0, min(pa_age - 18, rng.randint(0, 30))), childrens_father
        members.append(_member(rng, rel, rng.choice("MF"), age, family, father, on, script))
    return members


def _site_and_places(actor: Actor) -> tuple[Site, list[Location]]:
    site = Site.objects.filter(code=SITE_CODE).first() or services.create_site(
        actor=actor,
        code=SITE_CODE,
        name="Liberty Transit Site (demo)",
        host_country="IQ",
        designation=SiteDesignation.TEMPORARY_TRANSIT_LOCATION,
        designated_on=date(2012, 2, 17),
        capacity=3600,
    )
    actor.sites.add(site)
    layout = {f"Block {b:02d}": [f"T{b:02d}-{u:02d}" for u in range(1, 41)] for b in range(1, 13)}
    units = services.lay_out_site(actor=actor, site=site, layout=layout)
    return site, units


def _users(site: Site, admin: User) -> tuple[dict[str, str], dict[str, str]]:
    """One administrator plus one user per role, all with a fresh password shown once, and
    an enrolment code for each role that logs in with a second factor."""
    passwords: dict[str, str] = {}
    codes: dict[str, str] = {}
    for role in Role.values:
        username = "admin" if role == Role.ADMINISTRATOR else f"demo-{role.replace('_', '-')}"
        if User.objects.filter(username=username).exists():
            continue
        account = create_user(  # a generated password, shown once (accounts.services)
            actor=admin, username=username, role=role, sites=[site], is_staff=role == Role.ADMINISTRATOR
        )
        passwords[username] = account.password
        if account.enrolment_code:
            codes[username] = account.enrolment_code
    return passwords, codes


@transaction.atomic
def seed(target_persons: int = 3000) -> DemoResult:
    # Thousands of events, nothing read back from the trail before the end: appended in one
    # write when the camp is done rather than three statements each (audit.held_chain).
    with audit.held_chain():
        return _seed(target_persons)


def _seed(target_persons: int) -> DemoResult:
    if Site.objects.filter(code=SITE_CODE, persons__isnull=False).exists():
        return DemoResult(False, Person.objects.filter(site__code=SITE_CODE).count(), {})
    # The seeder places blocks and registers households as an administrator and a clerk would;
    # its password is unusable, so nobody can log in as it.
    seeder, created = User.objects.get_or_create(username="demo-seeder")
    if created:
        seeder.set_unusable_password()
        seeder.save()
    seeder.groups.add(Group.objects.get(name=Role.ADMINISTRATOR), Group.objects.get(name=Role.REGISTRATION_CLERK))
    site, units = _site_and_places(seeder)
    rng = random.Random(SEED)
    on = date(2013, 1, 15)
    households: list[services.NewHousehold] = []
    count = 0
    while count < target_persons:
        members = _household(rng, on)
        arrival = min(m["registered_on"] for m in members)
        households.append(services.NewHousehold(members=members, unit=rng.choice(units), arrival_date=arrival))
        count += len(members)
    services.register_households(actor=seeder, site=site, households=households)
    users, codes = _users(site, seeder)
    seed_resettlement(site, seeder)
    return DemoResult(True, count, users, codes)
