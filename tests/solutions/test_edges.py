"""The manifest's field limits, the dashboard (constant queries), pages and API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from asylon.core.dates import today
from asylon.core.errors import Conflict
from asylon.movements.models import Disclosure
from asylon.solutions import queries, services
from asylon.solutions.manifest import manifest_csv, manifest_xlsx

from .conftest import make_country, persons, to_stage


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
    assert [c.value for c in next(sheet.iter_rows())] == ["case_reference", "reference", "sex"]
    release = Disclosure.objects.filter(recipient=narrow.recipient).first()
    assert release.rule == "D3" and release.fields == ["case_reference", "reference", "sex"]
    for c in cases:
        c.refresh_from_db()
        assert c.stage == "SUBMITTED"


def test_no_manifest_without_an_agreement(rso, po, family):
    from asylon.movements import services as movements

    recipient = movements.create_recipient(actor=po, name="Delegation SE", kind="RESETTLEMENT_COUNTRY", country="SE")
    sweden = services.create_receiving_country(actor=rso, country="SE", selection_mode="INTERVIEW", recipient=recipient)
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
    services.record_pledge(actor=rso, country=albania, year=today().year, places=10)
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


def test_api_departure_refused_by_the_safeguards_answers_409(client, rso, case, albania):
    to_stage(rso, case, "EXIT_FORMALITIES", country=albania)
    client.force_login(rso)
    response = client.post(
        f"/api/v1/resettlement-cases/{case.reference}/departures",
        {"action": "schedule", "on": today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["rule"] == "N6"


def test_the_demo_seeds_every_stage(clerk, site_a, family, rso):
    from asylon.solutions.demo import seed_resettlement
    from asylon.solutions.models import ResettlementCase, Stage

    for _ in range(10):
        family(2)
    assert seed_resettlement(site_a, clerk, small=True) == 10
    assert set(ResettlementCase.objects.values_list("stage", flat=True)) == set(Stage.values) - {"CLOSED"}
    d = queries.dashboard(site_a)
    assert d.projection.empty_on is not None
    assert sum(n for _m, n in d.departed_by_month) > 0
