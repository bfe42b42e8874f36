"""Statistics of a site's population, as of a reporting date, ready to publish.

Every table passes disclosure control (disclosure.py) unless an internal view is asked for by a
role that may see it (`reports.view_unsuppressed_statistics`); the statistics viewer never
gets one, and nothing that leaves the system (CSV, API, situation report) is ever internal.

Definitions (also printed under the tables):

* The population on date D is every person of the site registered on or before D whose
  presence on D was present, hospitalised, detained or missing. Presence on D is rebuilt from
  the presence changes of the audit trail ("person.presence_changed" and the other actions
  that carry a `presence` change): the value after the last change on or before D, else the
  value before the first change after D, else the current value.
* Age is computed as of D. Estimated, year-only and month-only dates of birth go into brackets
  like exact ones; their number is published beside the pyramid. No date of birth, or one after
  D, is "unknown age".
* Sex: female, male, and "other or unknown" kept apart from both.
* Arrivals: the household's arrival date, else the person's registration date. Departures:
  the movements carried out (movements.queries), each on its own day (a resettlement case's
  departure date, solutions.queries), and the changes of presence to "departed" recorded
  without a movement (audit trail). A departure's own day also dates the change of presence
  it made, so a departure entered late counts from the day the person left.
* Specific needs (flagged or confirmed) by category, at site level only, never crossed with
  anything else (DOMAIN.md 4). A person may have several, so that table has no total.
* Protection cases (`case_statistics`), at site level only and never crossed with a person's
  attributes: open on D by case type and by risk level, opened and closed in the period. A
  violence or torture case is protected even in its existence (DOMAIN.md 12), and a protection
  officer reads every other case of the site in its lists: a total or a risk-level row that
  counted one would give it away by subtraction. So those two types are counted only in lines
  of their own, outside every total, every risk level and the opened/closed figures, and each
  is shown only at the threshold or above; "—" there stands for "fewer, perhaps none" (a zero
  is hidden too, whatever ASYLON_SMALL_CELL_HIDE_ZEROS says). Case figures are never internal:
  no role's statistics show a case that role may not know exists.

Published (disclosure-controlled) tables are computed once per data version and kept in the
cache (`published`): every write is audited, so the head of the audit chain (its last seq and
hash) names the state of the data; a new event is a new key and a stale table is never served.
The one event that is not a write of data, a report's own record ("report.generated", written
by every situation report and every CSV), does not count: no figure reads it, and counting it
would recompute every table after each report.
Internal (unsuppressed) tables are computed on every request and never cached.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from asylon.audit import queries as audit_queries
from asylon.audit.models import AuditEvent
from asylon.cases.models import SENSITIVE_TYPES, CaseType, RiskLevel
from asylon.cases.queries import case_counts
from asylon.core.dates import age_on
from asylon.core.errors import InvalidInput
from asylon.core.i18n import digit_system
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.movements.queries import departures_in_period
from asylon.registry.models import Location, Membership, NeedStatus, Person, Presence, Site, SpecificNeed
from asylon.registry.queries import AGE_BRACKETS
from asylon.registry.specific_needs import CODES
from asylon.solutions.queries import departure_days
from asylon.status.models import LegalStatus
from asylon.status.queries import statuses_on

from .disclosure import PublishedTable, PublishedVector, protect_table, protect_vector

IN_CAMP = (Presence.PRESENT, Presence.HOSPITALISED, Presence.DETAINED, Presence.MISSING)
UNKNOWN_AGE = "unknown"
SEX_COLUMNS = ("F", "M", "XU")
CATEGORIES = {code: label for code, label in CODES if "-" not in code}


def threshold() -> int:
    return settings.ASYLON_SMALL_CELL_THRESHOLD


def zeros_safe() -> bool:
    return not settings.ASYLON_SMALL_CELL_HIDE_ZEROS


def sex_labels() -> list[str]:
    return [_("female"), _("male"), _("other or unknown")]


def bracket_labels() -> list[str]:
    return [*AGE_BRACKETS, _("unknown age")]


@dataclass
class Statistics:
    site: Site
    on: date
    internal: bool
    threshold: int
    total: int | None
    households: int | None
    estimated_dob: int | None
    age_sex: PublishedTable
    presence: PublishedVector
    nationality: PublishedVector
    block: PublishedVector
    needs: PublishedVector
    legal_status: PublishedVector


@dataclass
class TimeSeries:
    site: Site
    start: date
    end: date
    internal: bool
    months: list[str]
    arrivals: PublishedVector
    departures: PublishedVector


@dataclass
class CaseStatistics:
    site: Site
    on: date
    start: date
    threshold: int
    by_type: PublishedVector  # open on `on`, the types other than violence and torture, with their total
    by_risk: PublishedVector  # the same cases by risk level, with the same total
    sensitive: PublishedVector  # open on `on`, violence and torture, each alone: no total
    opened: int | None  # in the period, the types other than violence and torture
    closed: int | None


def check_access(actor: Actor, site: Site, internal: bool) -> None:
    ensure(actor, "reports.view_statistics", site)
    if internal:
        ensure(actor, "reports.view_unsuppressed_statistics", site)


# --- published tables, once per data version -------------------------------------------------

T = TypeVar("T")
PUBLISHED_SECONDS = 24 * 3600


# Audit actions that record a report leaving the system (services.record_report), not a change
# of the data any figure reads.
NOT_DATA = ("report.generated",)


def data_version() -> tuple[int, str]:
    """The last seq and hash of the audit chain, reports' own records left aside (NOT_DATA)."""
    return audit_queries.chain_head_except(NOT_DATA)


def published(kind: str, compute: Callable[[], T], *inputs: object) -> T:
    """`compute()` once per data version, language, digits and disclosure settings. Only for
    disclosure-controlled figures: the caller has checked access, and internal tables never
    come here."""
    version = repr((kind, data_version(), inputs, get_language(), digit_system(), threshold(), zeros_safe()))
    key = f"asylon-stats:{kind}:{hashlib.sha256(version.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, PUBLISHED_SECONDS)
    return value


# --- the population on a date --------------------------------------------------------------


# The audit action of the change of presence a carried-out movement makes (movements.services).
DEPARTED_BY_MOVEMENT = "person.departed"


def _presence_events(site: Site):
    return (
        AuditEvent.objects.filter(site_id=site.pk, object_type="registry.person", changes__has_key="presence")
        .order_by("seq")
        .values_list("object_id", "action", "at", "changes")
    )


Changes = dict[int, list[tuple[date, str, str]]]


def presence_changes(site: Site, departed_on: Mapping[int, date] | None = None) -> Changes:
    """Per person id, its presence changes (date, before, after) in the order they happened.

    A change is dated by the day it was recorded, except a departure by movement: it is dated
    by the departure's own day, given by person id in `departed_on` (`departure_days_by_person`)."""
    departed_on = departed_on or {}
    out: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
    for object_id, action, at, changes in _presence_events(site):
        before_after = changes.get("presence")
        if isinstance(before_after, list) and len(before_after) == 2:
            pk = int(object_id)
            day = departed_on.get(pk) if action == DEPARTED_BY_MOVEMENT else None
            out[pk].append((day or timezone.localdate(at), before_after[0], before_after[1]))
    return out


def departure_days_by_person(actor: Actor, site: Site) -> dict[int, date]:
    """The day each person who left `site` by a movement left (movements and solutions)."""
    moved = departures_in_period(
        actor=actor, site=site, start=date.min, end=date.max, dated=departure_days(actor=actor, site=site)
    )
    return {d.person_id: d.on for d in moved}


def presence_on(current: str, changes: list[tuple[date, str, str]], on: date) -> str:
    value = None
    for day, _before, after in changes:
        if day <= on:
            value = after
    if value is not None:
        return value
    return changes[0][1] if changes else current


@dataclass
class Resident:
    pk: int
    sex: str
    date_of_birth: date | None
    dob_precision: str
    nationality: str
    stateless: bool
    block_id: int | None
    presence: str


def residents_on(site: Site, on: date, departed_on: Mapping[int, date] | None = None) -> list[Resident]:
    """The residents of `site` on `on` (see the module's definitions); `departed_on` dates the
    departures by movement (`departure_days_by_person`)."""
    changes = presence_changes(site, departed_on)
    rows = Person.objects.filter(site=site, registered_on__lte=on).values_list(
        "pk", "sex", "date_of_birth", "dob_precision", "nationality", "stateless", "unit__parent_id", "presence"
    )
    out = []
    for pk, sex, dob, precision, nationality, stateless, block_id, current in rows:
        presence = presence_on(current, changes.get(pk, []), on)
        if presence in IN_CAMP:
            out.append(Resident(pk, sex, dob, precision, str(nationality or ""), stateless, block_id, presence))
    return out


def bracket_of(dob: date | None, on: date) -> str:
    if dob is None or dob > on:
        return UNKNOWN_AGE
    age = age_on(dob, on)
    for name, (low, high) in AGE_BRACKETS.items():
        if age >= low and (high is None or age <= high):
            return name
    return UNKNOWN_AGE


def sex_column(sex: str) -> str:
    return sex if sex in ("F", "M") else "XU"


def age_sex_counts(residents: list[Resident], on: date) -> list[list[int]]:
    counts = Counter((bracket_of(r.date_of_birth, on), sex_column(r.sex)) for r in residents)
    return [[counts[(b, s)] for s in SEX_COLUMNS] for b in [*AGE_BRACKETS, UNKNOWN_AGE]]


def _vector(counter: Counter, order: list, labels: dict, *, internal: bool, with_total: bool = True):
    vector = protect_vector(
        [str(labels.get(k, k)) for k in order],
        [counter[k] for k in order],
        threshold=threshold(),
        zeros_safe=zeros_safe(),
        with_total=with_total,
        suppress=not internal,
    )
    vector.keys = [str(k) if k is not None else "" for k in order]
    return vector


def population_statistics(actor: Actor, *, site: Site, on: date, internal: bool = False) -> Statistics:
    """The published tables of a site's population on `on` (see the module's definitions)."""
    check_access(actor, site, internal)
    if internal:
        return _population_statistics(actor, site, on, internal=True)
    return published("population", lambda: _population_statistics(actor, site, on, internal=False), site.pk, on)


def _population_statistics(actor: Actor, site: Site, on: date, *, internal: bool) -> Statistics:
    t, zs = threshold(), zeros_safe()
    residents = residents_on(site, on, departure_days_by_person(actor, site))
    ids = {r.pk for r in residents}
    total = len(residents)

    def figure(n: int) -> int | None:
        return n if internal or not (0 < n < t or (n == 0 and not zs)) else None

    # Whole-site reads filtered here: a list of ids in SQL would hit SQLite's parameter limit.
    households = len(
        {
            household
            for person, household in Membership.objects.filter(person__site=site, started_on__lte=on)
            .exclude(ended_on__lt=on)
            .values_list("person_id", "household_id")
            if person in ids
        }
    )
    estimated = sum(1 for r in residents if r.date_of_birth and r.dob_precision != "EXACT")

    age_sex = protect_table(
        bracket_labels(), sex_labels(), age_sex_counts(residents, on), threshold=t, zeros_safe=zs, suppress=not internal
    )
    presence = _vector(Counter(r.presence for r in residents), list(IN_CAMP), dict(Presence.choices), internal=internal)
    nat = Counter(("stateless" if r.stateless else r.nationality) or "" for r in residents)
    nat_labels = {k: (countries.name(k) or k) if k not in ("", "stateless") else k for k in nat}
    nat_labels.update({"": _("not recorded"), "stateless": _("stateless")})
    nationality = _vector(nat, sorted(nat, key=lambda k: (-nat[k], k)), nat_labels, internal=internal)

    blocks = dict(Location.objects.filter(site=site, parent__isnull=True).values_list("pk", "name"))
    per_block = Counter(r.block_id for r in residents)
    block_order = sorted(blocks, key=lambda pk: blocks[pk]) + ([None] if per_block[None] else [])
    block = _vector(per_block, block_order, {**blocks, None: _("no unit recorded")}, internal=internal)

    pairs = set(
        SpecificNeed.objects.filter(
            person__site=site, status__in=[NeedStatus.FLAGGED, NeedStatus.CONFIRMED]
        ).values_list("person_id", "code__category")
    )
    needs = Counter(category for person, category in pairs if person in ids)
    need_order = [c for c in CATEGORIES if needs[c]] or list(CATEGORIES)
    need_labels = {c: f"{c} {_(label)}" for c, label in CATEGORIES.items()}
    need_table = _vector(needs, need_order, need_labels, internal=internal, with_total=False)

    by_person = statuses_on(ids, on)
    status_counts = Counter(by_person[pk].status for pk in ids)
    legal = _vector(status_counts, sorted(status_counts), dict(LegalStatus.choices), internal=internal)

    return Statistics(
        site=site,
        on=on,
        internal=internal,
        threshold=t,
        total=figure(total),
        households=figure(households),
        estimated_dob=figure(estimated),
        age_sex=age_sex,
        presence=presence,
        nationality=nationality,
        block=block,
        needs=need_table,
        legal_status=legal,
    )


# --- protection cases -----------------------------------------------------------------------


OPEN_TYPES = [t for t in CaseType if t not in SENSITIVE_TYPES]
PROTECTED_TYPES = [t for t in CaseType if t in SENSITIVE_TYPES]


def case_statistics(actor: Actor, *, site: Site, on: date, start: date) -> CaseStatistics:
    """The published figures of a site's protection cases on `on` and in `start`..`on` (see
    the module's definitions). Always disclosure-controlled."""
    ensure(actor, "reports.view_statistics", site)
    if start > on:
        raise InvalidInput({"period": [_("The period ends before it starts.")]})
    return published("cases", lambda: _case_statistics(actor, site, on, start), site.pk, on, start)


def _case_statistics(actor: Actor, site: Site, on: date, start: date) -> CaseStatistics:
    t = threshold()
    counts = case_counts(actor=actor, site=site, on=on, start=start)
    counted = [c for c in counts if c.case_type not in SENSITIVE_TYPES]
    open_now = [c for c in counted if c.open_on]
    by_type = _vector(Counter(c.case_type for c in open_now), OPEN_TYPES, dict(CaseType.choices), internal=False)
    by_risk = _vector(Counter(c.risk_on for c in open_now), list(RiskLevel), dict(RiskLevel.choices), internal=False)
    protected = Counter(c.case_type for c in counts if c.case_type in SENSITIVE_TYPES and c.open_on)
    sensitive = protect_vector(
        [str(CaseType(k).label) for k in PROTECTED_TYPES],
        [protected[k] for k in PROTECTED_TYPES],
        threshold=t,
        zeros_safe=False,  # "—" must not tell "none" from "a few"
        with_total=False,
    )
    sensitive.keys = [str(k) for k in PROTECTED_TYPES]

    def figure(n: int) -> int | None:
        return None if 0 < n < t or (n == 0 and not zeros_safe()) else n

    return CaseStatistics(
        site=site,
        on=on,
        start=start,
        threshold=t,
        by_type=by_type,
        by_risk=by_risk,
        sensitive=sensitive,
        opened=figure(sum(c.opened_in_period for c in counted)),
        closed=figure(sum(c.closed_in_period for c in counted)),
    )


# --- arrivals and departures over time -------------------------------------------------------


def months_between(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def arrival_dates(site: Site, start: date, end: date) -> list[date]:
    """The arrival of each person of the site: the first household's arrival date, else registration."""
    first_arrival: dict[int, date] = {}
    for person_id, arrived in (
        Membership.objects.filter(person__site=site, household__arrival_date__isnull=False)
        .order_by("started_on", "pk")
        .values_list("person_id", "household__arrival_date")
    ):
        if arrived is not None:
            first_arrival.setdefault(person_id, arrived)
    dates = []
    for pk, registered in Person.objects.filter(site=site).values_list("pk", "registered_on"):
        arrived = first_arrival.get(pk, registered)
        if start <= arrived <= end:
            dates.append(arrived)
    return dates


def departure_dates(actor: Actor, site: Site, start: date, end: date) -> list[date]:
    """The day of each departure from `site` between `start` and `end` (see the module's
    definitions): movements carried out, each on its own day, and the changes of presence to
    "departed" recorded without a movement."""
    days = departure_days(actor=actor, site=site)
    dates = [d.on for d in departures_in_period(actor=actor, site=site, start=start, end=end, dated=days)]
    for _pk, action, at, changes in _presence_events(site):
        before_after = changes.get("presence")
        if action == DEPARTED_BY_MOVEMENT or not isinstance(before_after, list) or len(before_after) != 2:
            continue
        if before_after[1] == Presence.DEPARTED and start <= timezone.localdate(at) <= end:
            dates.append(timezone.localdate(at))
    return dates


def time_series(actor: Actor, *, site: Site, start: date, end: date, internal: bool = False) -> TimeSeries:
    check_access(actor, site, internal)
    if start > end:
        raise InvalidInput({"period": [_("The period ends before it starts.")]})
    if internal:
        return _time_series(actor, site, start, end, internal=True)
    return published("series", lambda: _time_series(actor, site, start, end, internal=False), site.pk, start, end)


def _time_series(actor: Actor, site: Site, start: date, end: date, *, internal: bool) -> TimeSeries:
    months = months_between(start, end)
    arrivals = Counter(d.strftime("%Y-%m") for d in arrival_dates(site, start, end))
    departures = Counter(d.strftime("%Y-%m") for d in departure_dates(actor, site, start, end))
    labels = {m: m for m in months}
    return TimeSeries(
        site=site,
        start=start,
        end=end,
        internal=internal,
        months=months,
        arrivals=_vector(arrivals, months, labels, internal=internal),
        departures=_vector(departures, months, labels, internal=internal),
    )


def sites_with_statistics(actor: Actor) -> QuerySet[Site]:
    from asylon.core.scope import site_ids

    if not actor.has_perm("reports.view_statistics"):
        return Site.objects.none()
    return Site.objects.filter(pk__in=site_ids(actor))
