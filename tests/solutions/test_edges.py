"""The manifest's field limits, the dashboard (constant queries), pages and API."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from tests.signin import sign_in

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.movements.requests import record_family_unity_decision
from asylon.sharing.models import Disclosure
from asylon.solutions import charts, pledges, queries, services
from asylon.solutions.manifest import manifest_csv, manifest_xlsx

from .conftest import clear_for, make_country, persons, to_stage

WAITS = "Adult child with a separate claim; he stays until it is decided."


@pytest.fixture
def case(rso, family):
    return services.open_case(actor=rso, household=family(3), primary_category="LPP", secondary_category="LAS")


def test_the_manifest_holds_only_the_fields_the_agreement_allows(rso, po, make_user, family):
    narrow = make_country(po, rso, make_user, "NO", fields=["case_reference", "reference", "sex", "religion"])
    cases = []
    for _ in range(2):
        c = services.open_case(actor=rso, household=family(2), primary_category="LPP")
        services.assess_case(actor=rso, case=c, need_assessment="Need")
        cases.append(c)
    batch = services.submit_batch(actor=rso, country=narrow, cases=cases)
    assert batch.fields == ["case_reference", "reference", "sex"]  # never a field the manifest lacks
    rows = list(csv.reader(io.StringIO(manifest_csv(actor=rso, batch=batch).decode())))
    assert rows[0] == ["case_reference", "reference", "sex"]
    assert len(rows) == 5
    names = {p.full_name for c in cases for p in persons(c)}
    assert not any(name in ",".join(r) for r in rows for name in names)
    sheet = load_workbook(io.BytesIO(manifest_xlsx(actor=rso, batch=batch))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["case_reference", "reference", "sex"]
    assert len(cells) == 5 and all(len(row) == 3 for row in cells)
    assert not any(str(v) in names for row in cells for v in row)
    release = Disclosure.objects.filter(recipient=narrow.recipient).first()
    assert release.rule == "D3" and release.fields == ["case_reference", "reference", "sex"]
    for c in cases:
        c.refresh_from_db()
        assert c.stage == "SUBMITTED"


def test_no_manifest_without_an_agreement(rso, po, family):
    from asylon.sharing import services as sharing_services

    recipient = sharing_services.create_recipient(
        actor=po, name="Delegation SE", kind="RESETTLEMENT_COUNTRY", country="SE"
    )
    sweden = pledges.create_receiving_country(actor=rso, country="SE", selection_mode="INTERVIEW", recipient=recipient)
    c = services.open_case(actor=rso, household=family(1), primary_category="LPP")
    services.assess_case(actor=rso, case=c, need_assessment="Need")
    with pytest.raises(Conflict):
        services.submit_batch(actor=rso, country=sweden, cases=[c])
    c.refresh_from_db()
    assert c.stage == "ASSESSED"


def _history(rso, po, po2, family, albania, n_cases):
    cases = [services.open_case(actor=rso, household=family(2), primary_category="LPP") for _ in range(n_cases)]
    to_stage(rso, cases[0], "DEPARTED", country=albania, po=po, po2=po2)
    for c in cases[1:]:
        to_stage(rso, c, "SUBMITTED", country=albania)
    return cases


def test_the_dashboard_counts_and_projects(rso, po, po2, family, albania, site_a):
    pledges.record_pledge(actor=rso, country=albania, year=today().year, places=10)
    _history(rso, po, po2, family, albania, 3)
    d = queries.dashboard(site_a)
    assert d.residents == 4
    stages = {s.stage: s.cases for s in d.stages}
    assert stages["DEPARTED"] == 1 and stages["SUBMITTED"] == 2
    row = next(r for r in d.countries if r.country == albania)
    assert (row.pledged, row.submitted, row.accepted, row.departed) == (10, 6, 2, 2)
    # 2 departures in 90 days: 4 residents need 180 days.
    assert d.projection.empty_on == today() + timedelta(days=180)
    assert d.projection.places_missing == 0


def test_the_dashboard_counts_persons_per_country_through_splits_rejections_and_arrivals(
    rso, po, po2, family, albania, germany, site_a
):
    """Persons, not member rows: a person split off is counted in the new case only, and the
    members of an arrived case (no longer active) still count as departed."""
    year = today().year
    pledges.record_pledge(actor=rso, country=albania, year=year, places=3)
    pledges.record_pledge(actor=rso, country=germany, year=year, places=2)
    pledges.record_pledge(actor=rso, country=germany, year=year + 1, places=1)
    need = "Protection risk in the host country."
    # A: three persons, one split off into B; rejected by Albania, accepted by Germany, arrived.
    a = services.open_case(actor=rso, household=family(3), primary_category="LPP")
    b = services.split_case(actor=rso, case=a, persons=persons(a)[2:], reason="Adult child with a separate claim.")
    services.assess_case(actor=rso, case=a, need_assessment=need)
    services.submit_case(actor=rso, case=a, country=albania)
    services.decide_submission(actor=rso, case=a, accepted=False)
    services.submit_case(actor=rso, case=a, country=germany)
    services.decide_submission(actor=rso, case=a, accepted=True)
    services.start_exit_formalities(actor=rso, case=a)
    services.record_formalities(actor=rso, case=a, exit_permit=True, medical_clearance=True, travel_documents=True)
    clear_for(po, po2, a, "DE")
    # The household splits at departure (N8): a protection officer decides for the one who stays.
    [stays] = persons(b)
    for goes in persons(a):
        record_family_unity_decision(
            actor=po, person=goes, member=stays, kind="RESETTLEMENT_DEPARTURE", country="DE", rationale=WAITS
        )
    services.schedule_departure(actor=rso, case=a, departure_date=today())
    services.approve_departure(actor=po, case=a)
    services.record_departure(actor=rso, case=a, departed_on=today())
    services.confirm_arrival(actor=rso, case=a)
    # B: the split-off person, submitted to Albania. C: two persons, submitted, then closed.
    to_stage(rso, b, "SUBMITTED", country=albania)
    c = services.open_case(actor=rso, household=family(2), primary_category="MED")
    to_stage(rso, c, "SUBMITTED", country=albania)
    services.close_case(actor=rso, case=c, reason="The family no longer wishes to resettle.")
    # D: four persons accepted by Albania, in exit formalities (they hold their places).
    d = services.open_case(actor=rso, household=family(4), primary_category="LPP")
    to_stage(rso, d, "EXIT_FORMALITIES", country=albania)

    dash = queries.dashboard(site_a)
    rows = {r.country.country.code: (r.pledged, r.submitted, r.accepted, r.departed) for r in dash.countries}
    assert rows == {"AL": (3, 2 + 1 + 2 + 4, 4, 0), "DE": (2, 2, 2, 2)}
    assert dash.departed_by_month == [(today().replace(day=1), 2)]
    stages = {s.stage: s.cases for s in dash.stages if s.cases}
    assert stages == {"ARRIVED": 1, "SUBMITTED": 1, "CLOSED": 1, "EXIT_FORMALITIES": 1}
    assert dash.residents == 9 - 2
    # 2 departures in 90 days: 7 residents need 315 days.
    assert dash.projection.empty_on == today() + timedelta(days=315)
    # Pledged from this year on: 6 places; used: 2 departed and 4 accepted; the 4 hold theirs.
    assert dash.projection.places_available == 4
    assert dash.projection.places_missing == 3


def test_the_dashboard_runs_a_constant_number_of_queries(rso, po, po2, family, albania, site_a):
    _history(rso, po, po2, family, albania, 2)
    with CaptureQueriesContext(connection) as small:
        queries.dashboard(site_a)
    _history(rso, po, po2, family, albania, 4)
    with CaptureQueriesContext(connection) as large:
        queries.dashboard(site_a)
    assert len(small) == len(large)


def test_cases_past_their_target_are_listed(rso, family, albania, site_a):
    c = services.open_case(actor=rso, household=family(1), primary_category="LPP", priority="EMERGENCY")
    services.assess_case(actor=rso, case=c, need_assessment="Need")
    services.submit_case(actor=rso, case=c, country=albania, on=today() - timedelta(days=8))
    d = queries.dashboard(site_a)
    assert d.overdue_count == 1 and d.overdue[0] == c


SVG = "{http://www.w3.org/2000/svg}"


def _bars(uri: str) -> list[tuple[str, float]]:
    svg = ElementTree.fromstring(base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")))  # noqa: S314 - our own output
    return [(r.find(f"{SVG}title").text, float(r.get("height"))) for r in svg.iter(f"{SVG}rect") if len(r)]


def test_charts_draw_one_bar_per_value_in_proportion():
    bars = _bars(charts.bar_chart(["2013-01", "<b>", "2013-03"], [4, 0, 8], title="Persons & months"))
    assert [label for label, _h in bars] == ["2013-01: 4", "<b>: 0", "2013-03: 8"]
    assert bars[1][1] == 0 and bars[2][1] == 2 * bars[0][1]
    lying = _bars(charts.bar_chart(["identified", "accepted"], [3, 1], title="Stages", horizontal=True))
    assert [label for label, _h in lying] == ["identified: 3", "accepted: 1"]
    grouped = _bars(charts.grouped_bars(["AL", "DE"], {"pledged": [10, 5], "departed": [2, 0]}, title="Countries"))
    assert [label for label, _h in grouped] == ["AL pledged: 10", "DE pledged: 5", "AL departed: 2", "DE departed: 0"]
    assert grouped[0][1] == 5 * grouped[2][1]


def test_dashboard_page_renders_svg_charts(client, rso, po, po2, family, albania):
    _history(rso, po, po2, family, albania, 2)
    client.force_login(rso)
    response = client.get("/resettlement/dashboard/")
    assert response.status_code == 200
    assert response.content.count(b"data:image/svg+xml;base64,") == 3


def test_pages_for_a_case(client, rso, case, albania):
    client.force_login(rso)
    assert client.get("/resettlement/").status_code == 200
    response = client.post(
        f"/resettlement/cases/{case.reference}/transition/", {"action": "assess", "need_assessment": "Need"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "ASSESSED"
    assert client.get(f"/resettlement/cases/{case.reference}/").status_code == 200
    response = client.post(
        "/resettlement/batches/", {"country": albania.pk, "cases": [case.reference], "format": "xlsx"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_api_submission_decision_and_partner_view(client, rso, case, albania, germany):
    client.force_login(rso)
    base = f"/api/v1/resettlement-cases/{case.reference}"
    assert (
        client.post(f"{base}/assessment", {"need_assessment": "Need"}, content_type="application/json").status_code
        == 200
    )
    response = client.post(f"{base}/submissions", {"country": "AL"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["stage"] == "SUBMITTED"
    response = client.post(f"{base}/decisions", {"accepted": False, "note": "Quota"}, content_type="application/json")
    assert response.json()["stage"] == "REJECTED"
    response = client.post(f"{base}/submissions", {"country": "AL"}, content_type="application/json")
    assert response.status_code == 409
    assert client.post(f"{base}/submissions", {"country": "DE"}, content_type="application/json").status_code == 201
    client.force_login(germany.partner)
    data = client.get("/api/v1/resettlement-cases").json()
    assert [c["reference"] for c in data] == [case.reference]
    assert data[0]["household"] is None and data[0]["submissions"] == []
    client.force_login(albania.partner)
    assert client.get("/api/v1/resettlement-cases").json() == []
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/decisions", {"accepted": True}, content_type="application/json").status_code in (
        403,
        404,
    )


def test_api_departure_refused_by_the_safeguards_answers_409(client, rso, po, case, albania):
    to_stage(rso, case, "EXIT_FORMALITIES", country=albania)
    client.force_login(rso)
    response = client.post(
        f"/api/v1/resettlement-cases/{case.reference}/departures",
        {"action": "schedule", "on": today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["rule"] == "N6"
    # Each member the gate stops, with the reason and where the missing assessment is recorded.
    members = response.json()["members"]
    assert sorted(m["person"] for m in members) == sorted(p.reference for p in persons(case))
    assert {m["rule"] for m in members} == {"N6"}
    for m in members:
        assert m["evidence"] == f"/movements/persons/{m['person']}/risk/#chain-h"
    english = members[0]["reason"]
    assert english and "{" not in english
    response = client.post(
        f"/api/v1/resettlement-cases/{case.reference}/departures",
        {"action": "schedule", "on": today().isoformat()},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    persian = response.json()["members"][0]["reason"]
    assert persian and persian != english and any("\u0600" <= ch <= "\u06ff" for ch in persian)
    case.refresh_from_db()
    assert case.stage == "EXIT_FORMALITIES"
    sign_in(client, po)  # protection officers record the assessment there
    page = client.get(members[0]["evidence"].split("#")[0])
    assert page.status_code == 200 and 'id="chain-h"' in page.content.decode()


def test_the_demo_seeds_every_stage_with_a_history_over_past_months(clerk, site_a, family, rso):
    from asylon.demo.resettlement import seed_resettlement
    from asylon.solutions.models import ResettlementCase, Stage, StageEntry

    for _ in range(10):
        family(2)
    assert seed_resettlement(site_a, clerk, small=True) == 10
    assert set(ResettlementCase.objects.values_list("stage", flat=True)) == set(Stage.values) - {"CLOSED"}
    d = queries.dashboard(site_a)
    waiting = [s for s in d.stages if s.cases]
    assert len(waiting) == 10 and all(s.shortest_days > 0 for s in waiting)  # nobody reached a stage today
    assert len(d.departed_by_month) > 1 and sum(n for _m, n in d.departed_by_month) == 4
    assert d.projection.empty_on is not None and d.projection.departures_in_window > 0
    for case in ResettlementCase.objects.all():  # each step after the one before, the last one the stage's
        moments = list(StageEntry.objects.filter(case=case).order_by("pk").values_list("at", flat=True))
        assert moments == sorted(moments) and moments[-1] == case.stage_since
        if case.departed_on:
            assert case.departed_on == timezone.localtime(moments[-1 if case.stage == "DEPARTED" else -2]).date()


def test_the_dashboard_shows_the_projections_range_and_what_it_rests_on(client, rso, po, po2, family, albania):
    from tests.html_text import visible_text

    from asylon.core.i18n import format_date

    _history(rso, po, po2, family, albania, 3)  # 2 persons departed today; 4 residents remain
    client.force_login(rso)
    html = client.get("/resettlement/dashboard/").content.decode()
    projection = visible_text(html.split('id="projection"', 1)[1].split("</table>", 1)[0])
    # 2 departures in 30, 90 and 365 days: 4 residents leave in 60, 180 or 730 days.
    early, late = (format_date(today() + timedelta(days=n)) for n in (60, 730))
    assert f"between {early} and {late} projected date the camp is empty" in projection
    assert "It rests on 2 departures in the last 365 days." in projection
    assert "rough guess" in projection
    rows = re.findall(r"<tr><td>(\d+) days \(since [^)]*\)</td><td>(\d+)</td><td>([\d.]+)</td>", html)
    assert rows == [("30", "2", "0.07"), ("90", "2", "0.02"), ("365", "2", "0.01")]
