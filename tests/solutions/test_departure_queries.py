"""A resettlement departure's steps read each household's facts for the gate once per step,
not once per member: a larger household costs only its members' own writes (movements,
gate results, audit events, departures). bench/demo_seed.py shows what this buys."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from asylon.core.dates import today
from asylon.solutions import services

from .conftest import clear_for, to_stage

# How many times each step reads the facts: once, under the step's locks. Only a refused
# step previews the household again, to keep the refusal of the member at fault on record.
READINGS = {"schedule": 1, "approve": 1, "depart": 1}
# The most queries one more member may add to a step: its own writes, never a reading.
PER_MEMBER = {"schedule": 12, "approve": 8, "depart": 24}


def _departure_queries(rso, po, po2, household, country) -> dict[str, tuple[int, int]]:
    """(queries, readings of the facts) of each departure step, for a household's case."""
    case = services.open_case(actor=rso, household=household, primary_category="LPP")
    to_stage(rso, case, "EXIT_FORMALITIES", country=country)
    clear_for(po, po2, case, country.country.code)
    steps = {
        "schedule": lambda: services.schedule_departure(actor=rso, case=case, departure_date=today()),
        "approve": lambda: services.approve_departure(actor=po, case=case),
        "depart": lambda: services.record_departure(actor=rso, case=case),
    }
    counts = {}
    for step, run in steps.items():
        with CaptureQueriesContext(connection) as queries:
            run()
        readings = sum('FROM "movements_riskcountry"' in q["sql"] for q in queries.captured_queries)
        counts[step] = (len(queries), readings)
    case.refresh_from_db()
    assert case.stage == "DEPARTED"
    return counts


def test_a_departure_step_reads_a_households_facts_once(rso, po, po2, family, albania):
    small = _departure_queries(rso, po, po2, family(2), albania)
    large = _departure_queries(rso, po, po2, family(6), albania)
    for step, readings in READINGS.items():
        assert small[step][1] == large[step][1] == readings, step
        assert large[step][0] - small[step][0] <= 4 * PER_MEMBER[step], step
