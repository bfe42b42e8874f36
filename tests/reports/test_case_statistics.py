"""Protection cases in the statistics, their CSV, the API and the situation report: counts at
site level, through disclosure control, and no violence or torture case learnable from them."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.accounts.services import issue_api_token
from asylon.cases import queries as case_queries
from asylon.cases import services as cases
from asylon.core.dates import today
from asylon.reports import sitrep, statistics


@pytest.fixture
def caseworker(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="caseworker")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="supervisor")


@pytest.fixture
def colleague(make_user):
    """A protection officer who holds none of the cases: reads every other case of the site."""
    return make_user(Role.PROTECTION_OFFICER, username="colleague")


@pytest.fixture
def viewer(make_user):
    return make_user(Role.STATISTICS_VIEWER, username="stats")


@pytest.fixture
def opener(caseworker, supervisor, household):
    people = [m.person for m in household.memberships.all()]

    def open_cases(n: int, case_type: str, risk_level: str = "HIGH"):
        return [
            cases.open_case(
                actor=caseworker,
                person=people[i % len(people)],
                case_type=case_type,
                risk_level=risk_level,
                caseworker=caseworker,
                supervisor=supervisor,
            )
            for i in range(n)
        ]

    return open_cases


@pytest.fixture
def caseload(opener, caseworker):
    """11 medical cases (6 high risk, 5 medium), one legal (low), 5 of torture; one medical
    high-risk case closed again. Open: medical 10 (high 5, medium 5), legal 1, torture 5."""
    medical = opener(6, "MEDICAL", "HIGH") + opener(5, "MEDICAL", "MEDIUM")
    opener(1, "LEGAL", "LOW")
    opener(5, "SURVIVOR_OF_TORTURE", "HIGH")
    cases.close_case(actor=caseworker, case=medical[0], reason="NEEDS_MET")
    return medical


def period():
    return today() - timedelta(days=30), today()


def figures(actor, site):
    start, on = period()
    return statistics.case_statistics(actor, site=site, on=on, start=start)


def published(stats) -> tuple:
    return (
        stats.by_type.by_key(),
        stats.by_type.total,
        stats.by_risk.by_key(),
        stats.sensitive.by_key(),
        stats.opened,
        stats.closed,
    )


def test_open_cases_by_type_and_risk_and_the_flow_of_the_period(viewer, site_a, caseload):
    stats = figures(viewer, site_a)
    # One legal case alone is a small cell; the medical figure is hidden with it, or the
    # total (11) would give it away.
    assert stats.by_type.by_key() == {
        "CHILD_AT_RISK": 0,
        "UASC": 0,
        "MEDICAL": None,
        "LEGAL": None,
        "OTHER": 0,
    }
    assert stats.by_type.total == 11
    risk = stats.by_risk.by_key()
    assert risk["LOW"] is None and risk["CRITICAL"] == 0 and stats.by_risk.total == 11
    assert sorted([risk["MEDIUM"], risk["HIGH"]], key=str) == [5, None]  # one more hidden beside LOW
    assert stats.sensitive.by_key() == {"SURVIVOR_OF_VIOLENCE": None, "SURVIVOR_OF_TORTURE": 5}
    assert stats.opened == 12  # medical and legal; torture is never in this figure
    assert stats.closed is None  # one closing: a small cell


def test_a_case_closed_and_reopened_counts_as_open_at_its_new_risk_level(viewer, caseworker, site_a, caseload):
    closed = caseload[0]
    cases.reopen_case(actor=caseworker, case=closed, reason="new threat")
    # The legal case raised to critical at its review: counted at that level from then on.
    legal = case_queries.case_list(caseworker, state="OPEN").get(case_type="LEGAL")
    cases.record_review(actor=caseworker, case=legal, risk_level="CRITICAL")
    stats = figures(viewer, site_a)
    assert stats.by_type.total == 12  # 11 medical, 1 legal
    assert stats.by_risk.by_key() == {"LOW": 0, "MEDIUM": None, "HIGH": 6, "CRITICAL": None}


def test_violence_cases_leave_no_trace_in_anyones_statistics(
    viewer, colleague, opener, site_a, caseload, client, settings
):
    """Two violence cases, held by others: the statistics viewer and a protection officer who
    holds neither read exactly what they read before the cases were opened, and the
    officer's own list of cases adds up to the published total (nothing to subtract)."""
    before = {who.username: published(figures(who, site_a)) for who in (viewer, colleague)}
    opener(2, "SURVIVOR_OF_VIOLENCE", "CRITICAL")
    after = {who.username: published(figures(who, site_a)) for who in (viewer, colleague)}
    assert after == before
    seen_open = case_queries.case_list(colleague, "site").exclude(state="CLOSED").count()
    assert figures(colleague, site_a).by_type.total == seen_open == 11
    # None, or a few: the same mark. A zero is hidden for these types even when zeros show.
    settings.ASYLON_SMALL_CELL_HIDE_ZEROS = False
    assert figures(viewer, site_a).sensitive.by_key()["SURVIVOR_OF_VIOLENCE"] is None


def test_with_no_violence_case_at_all_the_line_still_reads_hidden(viewer, site_a, opener):
    opener(6, "MEDICAL")
    stats = figures(viewer, site_a)
    assert stats.sensitive.by_key() == {"SURVIVOR_OF_VIOLENCE": None, "SURVIVOR_OF_TORTURE": None}
    assert stats.by_type.by_key()["MEDICAL"] == 6 and stats.by_type.total == 6


def table(html: str, block_id: str) -> dict[str, str]:
    block = re.search(rf'<div id="{block_id}">(.*?)</div>', html, re.S)
    assert block, block_id
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', block.group(1))
    return {label.strip(): value.strip() for label, value in rows}


def test_the_statistics_page_shows_the_case_figures_with_hidden_cells_marked(client, viewer, site_a, caseload):
    sign_in(client, viewer)
    start, on = period()
    html = client.get(
        "/reports/statistics/", {"site": "AAA", "on": on.isoformat(), "start": start.isoformat()}
    ).content.decode()
    assert table(html, "cases-by-type") == {
        "child at risk": "0",
        "unaccompanied or separated child": "0",
        "medical": "—",
        "legal": "—",
        "other": "0",
        "Total": "11",
    }
    assert table(html, "cases-protected") == {"survivor of violence": "—", "survivor of torture": "5"}
    assert table(html, "cases-by-risk")["low"] == "—"
    assert '<strong id="cases-opened">12</strong>' in html and '<strong id="cases-closed">—</strong>' in html
    assert "CAS-" not in html and "Dariush" not in html


def test_the_internal_view_does_not_unhide_case_figures(client, site_a, caseload, protection_officer):
    sign_in(client, protection_officer)
    html = client.get("/reports/statistics/", {"site": "AAA", "internal": "on"}).content.decode()
    assert "Internal figures, not suppressed" in html
    assert table(html, "cases-by-type")["legal"] == "—"
    assert table(html, "cases-protected")["survivor of violence"] == "—"


def test_the_case_csv_carries_the_published_figures(client, viewer, site_a, caseload):
    sign_in(client, viewer)
    start, on = period()
    response = client.get("/reports/statistics/cases.csv", {"site": "AAA", "on": on.isoformat(), "start": start})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    tags = dict(zip(rows[1], rows[2], strict=True))
    assert tags["#indicator+cases+open+total"] == "11"
    assert tags["#indicator+cases+open+type_legal"] == "" and tags["#indicator+cases+open+type_uasc"] == "0"
    assert tags["#indicator+cases+open+type_survivor_of_torture"] == "5"
    assert tags["#indicator+cases+open+type_survivor_of_violence"] == ""
    assert tags["#indicator+cases+opened"] == "12" and tags["#indicator+cases+closed"] == ""


def test_the_api_gives_the_same_figures_and_nothing_outside_the_site(client, viewer, make_user, site_b, caseload):
    token = issue_api_token(actor=viewer, user=viewer)
    start, on = period()
    response = client.get(
        "/api/v1/statistics/cases",
        {"site": "AAA", "on": on.isoformat(), "start": start.isoformat()},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["open_total"] == 11 and body["open_by_type"]["LEGAL"] is None and body["opened"] == 12
    assert body["protected_types"] == {"SURVIVOR_OF_VIOLENCE": None, "SURVIVOR_OF_TORTURE": 5}
    outsider = make_user(Role.STATISTICS_VIEWER, sites=[site_b], username="stats-b")
    token = issue_api_token(actor=outsider, user=outsider)
    response = client.get("/api/v1/statistics/cases", {"site": "AAA"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing (make system-deps)")
def test_the_situation_report_carries_the_case_figures(protection_officer, site_a, caseload, tmp_path):
    start, end = period()
    pdf, _run = sitrep.generate_sitrep(protection_officer, site=site_a, start=start, end=end)
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    section = text[text.index("Protection cases") : text.index("Resettlement and the emptying")]
    lines = {" ".join(line.split()) for line in section.splitlines()}
    assert "survivor of torture 5" in lines and "survivor of violence —" in lines
    assert "legal —" in lines and "child at risk 0" in lines and "Total 11" in lines
    assert re.search(r"Cases opened from .* 12 · closed: —", " ".join(section.split()))


def test_the_situation_report_of_a_site_with_only_violence_cases_says_nothing_of_them(
    protection_officer, site_a, opener
):
    opener(2, "SURVIVOR_OF_VIOLENCE")
    start, end = period()
    context = sitrep.build_context(protection_officer, site=site_a, start=start, end=end)
    section = next(s for s in context["sections"] if s.key == "cases")
    assert not section.available  # as for a site with no case at all
