"""When will the camp be empty? A pure function of the figures, so it can be checked by hand.

A pace is the number of persons who departed in the last `window` days (today included)
divided by the window. At that pace the residents still here leave in
ceil(residents / pace) days. With no departure in a window there is no pace, and the
projection says so instead of dividing by zero. If the places still pledged are fewer than
the residents, the difference is the number of places missing.

Departures come in bursts (a flight takes forty people, then none for weeks), so a date drawn
from one window jumps by months or a year when one more family leaves. The projection
therefore reads the pace over several windows (`WINDOWS`: the last 30, 90 and 365 days) and
gives the range of their dates, earliest to latest, with the departures each one rests on.
The 90-day window stays the headline figure (`empty_on`) that earlier reports quoted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asylon.core.i18n import format_date, localise_numbers

WINDOW_DAYS = 90
WINDOWS = (30, WINDOW_DAYS, 365)
# Fewer departures than this in the longest window: the pace is a guess, and the page says so.
FEW_DEPARTURES = 10


@dataclass(frozen=True)
class Pace:
    """The projection at the pace of one window."""

    window_days: int
    since: date  # the first day counted
    departed: int
    per_day: float
    empty_on: date | None  # None: no departure in the window, the camp would not empty
    days_left: int | None


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
    paces: tuple[Pace, ...] = ()
    earliest: date | None = None  # the range of the windows' dates; None when no window has a pace
    latest: date | None = None
    uncertain: bool = False  # fewer than FEW_DEPARTURES departures in the longest window


def _pace(residents: int, departures_by_day: Mapping[date, int], today: date, window: int) -> Pace:
    start = today - timedelta(days=window - 1)
    departed = sum(n for day, n in departures_by_day.items() if start <= day <= today)
    if departed == 0 or residents <= 0:
        days = 0 if residents <= 0 else None
        return Pace(window, start, departed, departed / window, today if days == 0 else None, days)
    days = math.ceil(residents * window / departed)  # exact: residents / (departed / window)
    return Pace(window, start, departed, departed / window, today + timedelta(days=days), days)


def project_emptying(
    *,
    residents: int,
    departures_by_day: Mapping[date, int],
    today: date,
    places_available: int | None = None,
    window_days: int = WINDOW_DAYS,
    windows: tuple[int, ...] = WINDOWS,
) -> Projection:
    """Project the date the camp is empty at the pace of each of `windows`, headed by the
    pace of the last `window_days` days.

    `departures_by_day` maps a day to the persons who departed that day (days outside
    a window are ignored for it). `places_available` is what the pledges still offer."""
    windows = tuple(sorted({*windows, window_days}))
    paces = tuple(_pace(residents, departures_by_day, today, w) for w in windows)
    head = next(p for p in paces if p.window_days == window_days)
    missing = None if places_available is None else max(0, residents - max(0, places_available))
    shortfall = (
        _(" Pledges cover %(a)d of them: %(m)d places are missing.")
        % {"a": max(0, places_available or 0), "m": missing}
        if missing
        else ""
    )
    if residents <= 0:
        return Projection(
            0, head.departed, window_days, head.per_day, today, 0, places_available, 0, _("The camp is empty."),
            paces, today, today,
        )  # fmt: skip
    dated = [p for p in paces if p.empty_on is not None]
    earliest = min((p.empty_on for p in dated), default=None)  # type: ignore[type-var]
    latest = max((p.empty_on for p in dated), default=None)  # type: ignore[type-var]
    uncertain = paces[-1].departed < FEW_DEPARTURES
    parts = []
    idle = [p for p in paces if p.empty_on is None]
    if idle:
        parts.append(
            _("No departures in the last %(n)d days: at this pace the camp will not empty.")
            % {"n": idle[-1].window_days}
        )
    if dated:
        if earliest == latest:
            parts.append(
                _("At %(rate).1f departures a day, the last of %(r)d residents leaves on %(d)s.")
                % {"rate": dated[0].per_day, "r": residents, "d": format_date(earliest)}  # type: ignore[union-attr]
            )
        else:
            parts.append(
                _(
                    "Depending on the pace of recent departures, the last of %(r)d residents leaves "
                    "between %(a)s and %(b)s."
                )
                % {"r": residents, "a": format_date(earliest), "b": format_date(latest)}  # type: ignore[union-attr]
            )
        longest = paces[-1]
        parts.append(
            ngettext(
                "It rests on %(n)d departure in the last %(w)d days.",
                "It rests on %(n)d departures in the last %(w)d days.",
                longest.departed,
            )
            % {"n": longest.departed, "w": longest.window_days}
        )
        if uncertain:
            parts.append(_("So few departures make it a rough guess: one more flight moves it by months."))
    return Projection(
        residents,
        head.departed,
        window_days,
        head.per_day,
        head.empty_on,
        head.days_left,
        places_available,
        missing,
        localise_numbers(" ".join(parts) + shortfall),
        paces,
        earliest,
        latest,
        uncertain,
    )
