"""When will the camp be empty? A pure function of the figures, so it can be checked by hand.

The pace is the number of persons who departed in the last `window` days (today included)
divided by the window. At that pace the residents still here leave in
ceil(residents / pace) days. With no departure in the window there is no pace, and the
projection says so instead of dividing by zero. If the places still pledged are fewer than
the residents, the difference is the number of places missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

WINDOW_DAYS = 90


@dataclass(frozen=True)
class Projection:
    residents: int
    departures_in_window: int
    window_days: int
    per_day: float
    empty_on: date | None
    days_left: int | None
    places_available: int | None
    places_missing: int | None
    message: str


def project_emptying(
    *,
    residents: int,
    departures_by_day: Mapping[date, int],
    today: date,
    places_available: int | None = None,
    window_days: int = WINDOW_DAYS,
) -> Projection:
    """Project the date the camp is empty at the pace of the last `window_days` days.

    `departures_by_day` maps a day to the persons who departed that day (days outside
    the window are ignored). `places_available` is what the pledges still offer."""
    start = today - timedelta(days=window_days - 1)
    departed = sum(n for day, n in departures_by_day.items() if start <= day <= today)
    per_day = departed / window_days
    missing = None if places_available is None else max(0, residents - max(0, places_available))
    shortfall = (
        _(" Pledges cover %(a)d of them: %(m)d places are missing.")
        % {"a": max(0, places_available or 0), "m": missing}
        if missing
        else ""
    )
    if residents <= 0:
        return Projection(0, departed, window_days, per_day, today, 0, places_available, 0, _("The camp is empty."))
    if departed == 0:
        return Projection(
            residents,
            0,
            window_days,
            0.0,
            None,
            None,
            places_available,
            missing,
            _("No departures in the last %(n)d days: at this pace the camp will not empty.") % {"n": window_days}
            + shortfall,
        )
    days = math.ceil(residents * window_days / departed)  # exact: residents / (departed / window)
    empty_on = today + timedelta(days=days)
    message = _("At %(rate).1f departures a day, the last of %(r)d residents leaves on %(d)s.") % {
        "rate": per_day,
        "r": residents,
        "d": empty_on.isoformat(),
    }
    return Projection(
        residents, departed, window_days, per_day, empty_on, days, places_available, missing, message + shortfall
    )
