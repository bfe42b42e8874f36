"""Where report sections get data that other apps own.

Each section of the statistics and the situation report is a small provider. A provider whose
app has not been built yet (its module is absent) gives `None`, and the report says "no data
yet" for that section. Presence is decided by looking for the module, never by catching the
errors a present module raises: a broken provider must fail loudly, not vanish from a report.

The functions other apps are expected to offer (all read-only, scoped by the actor):

* `asylon.status.queries.statuses_on(person_ids, on) -> Mapping[int, StatusSnapshot]`: legal status
  of each person id of the queryset `persons` on date `on`.
* `asylon.incidents.report_sections.incidents(*, actor, site, start, end) -> list[dict]`
  with keys `occurred_on` (date), `type` (label), `severity` (1-4) and the counts `killed`,
  `injured`, `missing`, `detained` (ints).
* `asylon.incidents.report_sections.roll_calls(*, actor, site, start, end) -> list[dict]`
  with keys `started_on` (date), `closed` (bool) and the counts `accounted_safe`, `injured`,
  `deceased`, `missing`, `absent_known`, `not_yet_checked`.
* `asylon.solutions.report_sections.resettlement(*, actor, site, start, end) -> dict` with
  `by_stage` (list of (label, count)), `departed_in_period` (int) and `projection` (list of
  (month "YYYY-MM", residents remaining)).
* `asylon.movements.report_sections.safeguard_refusals(*, actor, site, start, end)
  -> list[tuple[str, int]]`: (rule code, number of refusals) in the period.
* `asylon.movements.report_sections.departures(*, actor, site, start, end) -> list[date]`:
  the dates of departures from the site, when movements records them; until then departures
  are read from the presence changes in the audit trail.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from django.apps import apps


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """`module.name` if the app and the module exist, else None."""
    app = module.rsplit(".", 1)[0]
    if not apps.is_installed(app):
        return None
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), name, None)


def statuses_on():
    return optional("asylon.status.queries", "statuses_on")


def incidents():
    return optional("asylon.incidents.report_sections", "incidents")


def roll_calls():
    return optional("asylon.incidents.report_sections", "roll_calls")


def resettlement():
    return optional("asylon.solutions.report_sections", "resettlement")


def safeguard_refusals():
    return optional("asylon.movements.report_sections", "safeguard_refusals")


def departures():
    return optional("asylon.movements.report_sections", "departures")
