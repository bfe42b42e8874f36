"""Statistics of the register: exact internal counts, and what the statistics viewer gets."""

from __future__ import annotations

from datetime import date

import pytest
from tests.reports.conftest import ON

from asylon.accounts.roles import Role
from asylon.core.errors import NotFound, NotPermitted
from asylon.registry import services
from asylon.reports import statistics
from asylon.reports.charts import monthly_svg, pyramid_svg


def test_population_by_age_bracket_and_sex_as_of_the_reporting_date(make_user, site_a, population, clerk):
    officer = make_user(Role.PROTECTION_OFFICER, username="po")
    nima = population[0].memberships.get(person__given_name="Nima").person
    # He leaves today, long after the reporting date: on that date he was still there.
    services.change_presence(actor=clerk, person=nima, presence="DEPARTED", reason="resettled")
    stats = statistics.population_statistics(officer, site=site_a, on=ON, internal=True)
    assert stats.total == 7 and stats.households == 2 and stats.estimated_dob == 1
    table = dict(zip(stats.age_sex.row_labels, stats.age_sex.cells, strict=True))
    # columns: female, male, other or unknown
    assert table["0-4"] == [1, 0, 0]
    assert table["5-11"] == [0, 1, 0]
    assert table["12-17"] == [0, 0, 0]
    assert table["18-59"] == [1, 2, 0]
    assert table["60+"] == [1, 0, 0]
    assert table["unknown age"] == [0, 0, 1]
    assert stats.age_sex.col_totals == [3, 3, 1] and stats.age_sex.total == 7
    assert dict(stats.needs.rows()) == {"SM Serious medical condition": 1, "ER Older person at risk": 1}
    # Nobody has a decision yet: every resident is an asylum seeker (status is declaratory).
    assert stats.legal_status.by_key() == {"ASYLUM_SEEKER": 7}

    a_day_later = statistics.population_statistics(officer, site=site_a, on=date(2013, 4, 1), internal=True)
    assert dict(zip(a_day_later.age_sex.row_labels, a_day_later.age_sex.cells, strict=True))["12-17"] == [0, 1, 0]
    today = statistics.population_statistics(officer, site=site_a, on=date.today(), internal=True)
    assert today.total == 7  # Nima gone, "Later" arrived


def test_arrivals_and_departures_per_month(make_user, site_a, population, clerk):
    officer = make_user(Role.PROTECTION_OFFICER, username="po")
    series = statistics.time_series(officer, site=site_a, start=date(2012, 1, 1), end=date(2013, 5, 31), internal=True)
    arrivals = dict(series.arrivals.rows())
    assert arrivals["2012-02"] == 5 and arrivals["2013-01"] == 2 and arrivals["2013-05"] == 1
    assert series.arrivals.total == 8 and series.departures.total == 0
    svg = monthly_svg(series.months, series.arrivals, series.departures)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_the_statistics_viewer_gets_no_small_cell(make_user, site_a, population):
    viewer = make_user(Role.STATISTICS_VIEWER, username="stats")
    stats = statistics.population_statistics(viewer, site=site_a, on=ON)
    figures = [v for row in stats.age_sex.cells for v in row] + stats.age_sex.row_totals + stats.age_sex.col_totals
    figures += [stats.age_sex.total, stats.total, stats.households, stats.estimated_dob]
    figures += stats.nationality.values + stats.presence.values + stats.block.values + stats.needs.values
    assert not [v for v in figures if v is not None and 0 < v < 5]
    assert stats.total == 7  # the headline figure stays
    svg = pyramid_svg(stats.age_sex)
    assert "<svg" in svg
    with pytest.raises(NotPermitted):
        statistics.population_statistics(viewer, site=site_a, on=ON, internal=True)


def test_statistics_stay_inside_the_actors_sites(make_user, site_a, site_b, population):
    viewer = make_user(Role.STATISTICS_VIEWER, sites=[site_b], username="stats-b")
    with pytest.raises(NotFound):
        statistics.population_statistics(viewer, site=site_a, on=ON)
    clerk_user = make_user(Role.REGISTRATION_CLERK, username="clerk2")
    with pytest.raises(NotPermitted):
        statistics.population_statistics(clerk_user, site=site_a, on=ON)


def test_a_chart_is_drawn_once_per_version_of_its_figures(monkeypatch, settings):
    from asylon.reports import charts

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from asylon.reports.disclosure import PublishedVector

    drawn = []
    real = charts.monthly
    monkeypatch.setattr(charts, "monthly", lambda *a: drawn.append(a) or real(*a))
    months = ["2031-01", "2031-02"]
    arrivals = PublishedVector(labels=months, values=[12, 17], total=29, threshold=5, hidden=0)
    departures = PublishedVector(labels=months, values=[6, None], total=None, threshold=5, hidden=1)
    first = charts.monthly_svg(months, arrivals, departures)
    assert charts.monthly_svg(months, arrivals, departures) == first
    assert len(drawn) == 1
    # One figure changes: a new picture, drawn afresh, never the stale one.
    changed = PublishedVector(labels=months, values=[12, 18], total=30, threshold=5, hidden=0)
    second = charts.monthly_svg(months, changed, departures)
    assert len(drawn) == 2 and second != first


def test_published_figures_follow_every_change_of_the_data(make_user, site_a, population, clerk, settings):
    """The published tables are kept per data version: a change recorded after the first look
    shows at the next one, and the same data gives the same tables without computing them again."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    viewer = make_user(Role.STATISTICS_VIEWER, username="stats")
    before = statistics.population_statistics(viewer, site=site_a, on=date.today())
    assert before.total == 8
    assert statistics.population_statistics(viewer, site=site_a, on=date.today()) == before
    nima = population[0].memberships.get(person__given_name="Nima").person
    services.change_presence(actor=clerk, person=nima, presence="DEPARTED", reason="resettled")
    after = statistics.population_statistics(viewer, site=site_a, on=date.today())
    assert after.total == 7
    series = statistics.time_series(viewer, site=site_a, start=date(2012, 1, 1), end=date(2013, 5, 31))
    assert series.arrivals.total == 8


def test_a_report_leaving_the_system_is_no_new_version_of_the_data(make_user, site_a, population, clerk, settings):
    """A report's own record (every sitrep and CSV writes one) is audited but changes no figure:
    the published tables stay those of the data, and the next change of the data shows."""
    from asylon.audit.models import AuditEvent
    from asylon.reports import sitrep

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    officer = make_user(Role.PROTECTION_OFFICER, username="po")
    version = statistics.data_version()
    sitrep.generate_sitrep(officer, site=site_a, start=date(2013, 1, 1), end=ON)
    assert AuditEvent.objects.order_by("seq").last().action == "report.generated"
    assert statistics.data_version() == version
    nima = population[0].memberships.get(person__given_name="Nima").person
    services.change_presence(actor=clerk, person=nima, presence="DEPARTED", reason="resettled")
    assert statistics.data_version() != version
    assert statistics.population_statistics(officer, site=site_a, on=date.today()).total == 7


def test_the_statistics_page_shows_a_change_at_once(client, make_user, site_a, population, clerk, settings):
    from tests.signin import sign_in

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    officer = make_user(Role.PROTECTION_OFFICER, username="po")
    sign_in(client, officer)
    html = client.get("/reports/statistics/", {"site": "AAA"}).content.decode()
    assert "<dd>8</dd>" in html
    chart = next(line for line in html.splitlines() if 'class="chart"' in line)
    nima = population[0].memberships.get(person__given_name="Nima").person
    services.change_presence(actor=clerk, person=nima, presence="DEPARTED", reason="resettled")
    html = client.get("/reports/statistics/", {"site": "AAA"}).content.decode()
    assert "<dd>7</dd>" in html
    # The chart's address names the new version of the data: no browser keeps the old picture.
    assert chart not in html
