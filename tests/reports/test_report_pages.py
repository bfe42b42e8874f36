"""Statistics pages, CSV and API: the statistics viewer never gets a small cell; roles and scope."""

from __future__ import annotations

import csv
import io
import re

import pytest
from tests.reports.conftest import ON
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.accounts.services import issue_api_token
from asylon.reports.models import ReportRun


def small(value) -> bool:
    return value not in (None, "") and 0 < int(value) < 5


@pytest.fixture
def viewer(make_user, site_a):
    return make_user(Role.STATISTICS_VIEWER, username="stats")


def test_statistics_page_hides_small_cells_from_the_viewer(client, viewer, population):
    sign_in(client, viewer)
    response = client.get("/reports/statistics/", {"site": "AAA", "on": ON.isoformat(), "internal": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Internal figures" not in html  # the viewer cannot ask for them
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells and not [c for c in cells if c.strip().isdigit() and small(c.strip())]
    assert "Dariush" not in html and "LIB-" not in html
    # The charts are files of their own, drawn from the same published figures.
    charts = re.findall(r'<img class="chart" src="([^"]+)"', html)
    assert len(charts) == 2
    for url in charts:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content and b"Dariush" not in response.content


def test_internal_figures_for_the_protection_officer(client, protection_officer, population):
    sign_in(client, protection_officer)
    html = client.get("/reports/statistics/", {"site": "AAA", "on": ON.isoformat(), "internal": "on"}).content.decode()
    assert "Internal figures, not suppressed" in html
    assert '<td class="num">1</td>' in html


def test_csv_export_is_suppressed_with_hxl_row_and_recorded(client, viewer, population):
    sign_in(client, viewer)
    response = client.get("/reports/statistics/population.csv", {"site": "AAA", "on": ON.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    tags = dict(zip(rows[1], rows[2], strict=True))
    assert tags["#population+total"] == "7" and tags["#loc+camp+code"] == "AAA"
    assert "#population+f+infants+age0_4" in tags and tags["#date+reported"] == "2013-03-31"
    assert not [v for t, v in tags.items() if t.startswith("#population") and small(v)]
    run = ReportRun.objects.get()
    assert run.kind == "STATISTICS_CSV" and run.requested_by == viewer


def test_api_population_is_suppressed(client, viewer, population):
    token = issue_api_token(actor=viewer, user=viewer)
    response = client.get(
        "/api/v1/statistics/population",
        {"site": "AAA", "on": ON.isoformat()},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 7 and body["threshold"] == 5
    values = [body["female"], body["male"], body["other_or_unknown"], body["households"], body["estimated_dob"]]
    values += [v for row in body["by_age"] for k, v in row.items() if k != "age"]
    values += list(body["by_presence"].values()) + list(body["by_nationality"].values())
    assert not [v for v in values if small(v)]


def test_api_outside_scope_is_404_and_other_roles_403(client, make_user, site_b, population):
    outsider = make_user(Role.STATISTICS_VIEWER, sites=[site_b], username="stats-b")
    token = issue_api_token(actor=outsider, user=outsider)
    response = client.get("/api/v1/statistics/population", {"site": "AAA"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    monitor = make_user(Role.FIELD_MONITOR, username="monitor")
    token = issue_api_token(actor=monitor, user=monitor)
    response = client.get("/api/v1/statistics/population", {"site": "AAA"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "statistics", "sitrep"),
    [
        (Role.STATISTICS_VIEWER, 200, 404),
        (Role.PROTECTION_OFFICER, 200, 200),
        (Role.RSD_OFFICER, 200, 404),
        (Role.RESETTLEMENT_OFFICER, 200, 404),
        (Role.ADMINISTRATOR, 200, 200),
        (Role.REGISTRATION_CLERK, 404, 404),
        (Role.FIELD_MONITOR, 404, 404),
        (Role.PARTNER, 404, 404),
    ],
)
def test_who_may_open_the_report_pages(client, make_user, site_a, role, statistics, sitrep):
    sign_in(client, make_user(role, username=f"u-{role}"))
    assert client.get("/reports/statistics/").status_code == statistics
    assert client.get("/reports/statistics/population.csv", {"site": "AAA"}).status_code == statistics
    assert client.get("/reports/sitrep/").status_code == sitrep


def test_sitrep_button_downloads_a_pdf(client, protection_officer, population):
    sign_in(client, protection_officer)
    form = client.get("/reports/sitrep/").content.decode()
    assert "annex" in form
    response = client.post("/reports/sitrep/", {"site": "AAA", "start": "2013-01-01", "end": "2013-03-31"})
    # Made on the queue (at once under the tests' immediate backend): its page, then the file.
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="DONE"' in page and 'id="job-download"' in page
    response = client.get(response["Location"] + "download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'attachment; filename="sitrep-AAA-20130101-20130331.pdf"' in response["Content-Disposition"]
    run = ReportRun.objects.get()
    assert run.kind == "SITREP" and not run.with_annex


def test_administrator_has_no_annex_checkbox_and_cannot_force_it(client, make_user, population):
    admin = make_user(Role.ADMINISTRATOR, username="admin2")
    sign_in(client, admin)
    assert 'name="annex"' not in client.get("/reports/sitrep/").content.decode()
    response = client.post(
        "/reports/sitrep/", {"site": "AAA", "start": "2013-01-01", "end": "2013-03-31", "annex": "on"}
    )
    assert response.status_code == 302 and not ReportRun.objects.get().with_annex
