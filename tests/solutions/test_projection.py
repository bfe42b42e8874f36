"""The emptying projection on constructed histories."""

from __future__ import annotations

from datetime import date, timedelta

from asylon.solutions.projection import project_emptying

TODAY = date(2013, 6, 30)


def test_known_pace_gives_a_known_date():
    # 2 persons a day for each of the last 90 days: 180 residents leave in 90 more days.
    history = {TODAY - timedelta(days=i): 2 for i in range(90)}
    history[TODAY - timedelta(days=90)] = 500  # outside the window: ignored
    p = project_emptying(residents=180, departures_by_day=history, today=TODAY)
    assert p.departures_in_window == 180
    assert p.per_day == 2
    assert p.days_left == 90
    assert p.empty_on == date(2013, 9, 28)


def test_a_partial_last_day_counts_as_a_whole_day():
    history = {TODAY: 90}  # one a day on average
    p = project_emptying(residents=10, departures_by_day=history, today=TODAY)
    assert p.empty_on == TODAY + timedelta(days=10)
    p = project_emptying(residents=11, departures_by_day={TODAY: 180}, today=TODAY)
    assert p.days_left == 6  # 5.5 days rounds up


def test_no_departures_says_so_instead_of_dividing_by_zero():
    p = project_emptying(residents=3000, departures_by_day={TODAY - timedelta(days=200): 40}, today=TODAY)
    assert p.empty_on is None and p.per_day == 0
    assert "No departures in the last 90 days" in p.message


def test_places_missing_when_pledges_run_out_first():
    p = project_emptying(residents=1000, departures_by_day={TODAY: 90}, today=TODAY, places_available=700)
    assert p.places_missing == 300
    assert "300 places are missing" in p.message
    assert project_emptying(residents=10, departures_by_day={}, today=TODAY, places_available=50).places_missing == 0


def test_an_empty_camp():
    p = project_emptying(residents=0, departures_by_day={}, today=TODAY)
    assert p.empty_on == TODAY and p.days_left == 0


def test_a_range_over_three_paces_with_what_it_rests_on():
    # 15 left today, 15 sixty days ago, 43 two hundred days ago: 15, 30 and 73 departures
    # in the last 30, 90 and 365 days; 100 residents leave in 200, 300 or 500 days.
    history = {TODAY: 15, TODAY - timedelta(days=60): 15, TODAY - timedelta(days=200): 43}
    p = project_emptying(residents=100, departures_by_day=history, today=TODAY)
    assert [(x.window_days, x.departed, x.days_left) for x in p.paces] == [(30, 15, 200), (90, 30, 300), (365, 73, 500)]
    assert (p.earliest, p.latest) == (TODAY + timedelta(days=200), TODAY + timedelta(days=500))
    assert p.empty_on == TODAY + timedelta(days=300)  # the 90-day pace stays the headline
    assert "leaves between 2014-01-16 and 2014-11-12" in p.message
    assert "It rests on 73 departures in the last 365 days." in p.message
    assert not p.uncertain


def test_one_more_departure_moves_the_range_not_a_single_date_by_a_year():
    before = project_emptying(residents=400, departures_by_day={TODAY - timedelta(days=100): 4}, today=TODAY)
    assert before.earliest == before.latest == TODAY + timedelta(days=36500)
    assert "No departures in the last 90 days" in before.message and before.uncertain
    assert "rough guess" in before.message
    after = project_emptying(residents=400, departures_by_day={TODAY - timedelta(days=100): 4, TODAY: 2}, today=TODAY)
    # The 30- and 90-day paces now rest on a single family: the page shows the whole spread.
    assert after.earliest == TODAY + timedelta(days=6000) and after.latest == TODAY + timedelta(days=24334)
    assert [x.departed for x in after.paces] == [2, 2, 6]


def test_in_persian_the_sentence_has_the_readers_calendar_digits_and_decimal_separator():
    from django.utils import translation

    from asylon.core import i18n

    history = {TODAY - timedelta(days=i): (3 if i % 2 else 2) for i in range(90)}  # 2.5 a day
    token = i18n.activate(i18n.Preferences(calendar=i18n.Calendar.SOLAR_HIJRI))
    try:
        with translation.override("fa"):
            p = project_emptying(residents=225, departures_by_day=history, today=TODAY, windows=(90,))
    finally:
        i18n.deactivate(token)
    assert p.empty_on == date(2013, 9, 28)
    assert "۱۳۹۲/۰۷/۰۶" in p.message  # 2013-09-28 in the Solar Hijri calendar
    assert "۲٫۵" in p.message and "۲۲۵" in p.message
    assert not any(c in p.message for c in "0123456789")
