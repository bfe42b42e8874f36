"""Access-matrix entries for resettlement: cases, transitions, batches and manifests, dashboards.

Partners read only the cases submitted to their country (queries.cases_for): the world's
partner account is linked to no recipient, so its list is empty (200) and a case is 404.
"""

from __future__ import annotations

from datetime import timedelta

from tests.access_matrix import Entry, having

READ = having("solutions.view_resettlementcase")
MANAGE = having("solutions.manage_resettlement")
# Departures: resettlement officers take every step, protection officers approve them.
DEPART = MANAGE | having("movements.approve_movement")
DASHBOARD = having("solutions.view_resettlement_dashboard")
CASE = {"reference": "resettlement_case.reference"}


def _post(path: str, body, allow=MANAGE, params=CASE) -> tuple[str, Entry]:
    return f"api:POST /api/v1/resettlement-cases{path}", Entry(allow, method="POST", params=params, body=body)


ROUTES = {
    "page:solutions:case_list": Entry(READ),
    "page:solutions:case_detail": Entry(READ - {"partner"}, params=CASE),
    # An unknown action passes the role gate and is refused with a message (redirect).
    "page:solutions:case_transition": Entry(
        DEPART, method="POST", params=CASE, body=lambda w: {"action": "no-such-action"}
    ),
    "page:solutions:case_open": Entry(MANAGE),
    "page:solutions:batch_submit": Entry(
        MANAGE,
        method="POST",
        body=lambda w: {"country": w.receiving_country.pk, "cases": [w.resettlement_case.reference]},
    ),
    "page:solutions:batch_manifest": Entry(MANAGE, params={"pk": "resettlement_batch.pk", "fmt": "resettlement_fmt"}),
    "page:solutions:dashboard": Entry(DASHBOARD),
    "page:solutions:site_dashboard": Entry(DASHBOARD, params={"site_code": "site_a.code"}),
    # A partner's list holds only the cases submitted to its country: empty here, but 200.
    "api:GET /api/v1/resettlement-cases": Entry(READ),
    "api:GET /api/v1/resettlement-cases/{reference}": Entry(READ - {"partner"}, params=CASE),
    "api:POST /api/v1/resettlement-cases": Entry(
        MANAGE,
        method="POST",
        params={},
        body=lambda w: {"household": w.household.reference, "primary_category": "LPP"},
    ),
    "api:POST /api/v1/resettlement-batches": Entry(
        MANAGE,
        method="POST",
        body=lambda w: {"country": "AL", "cases": [w.resettlement_case.reference]},
    ),
}
# Receiving countries and pledges (solutions/pledges_api.py): write bodies are refused as invalid.
COUNTRIES = having("solutions.view_receivingcountry")
COUNTRY = {"country": "receiving_country.country.code"}
ROUTES |= {
    "api:GET /api/v1/receiving-countries": Entry(COUNTRIES),
    "api:POST /api/v1/receiving-countries": Entry(
        MANAGE, method="POST", body=lambda w: {"country": "", "selection_mode": "NO-SUCH-MODE"}
    ),
    "api:GET /api/v1/receiving-countries/{country}": Entry(COUNTRIES, params=COUNTRY),
    "api:POST /api/v1/receiving-countries/{country}/pledges": Entry(
        MANAGE, method="POST", params=COUNTRY, body=lambda w: {"year": 2013, "places": 0}
    ),
    "api:PATCH /api/v1/receiving-countries/{country}/pledges/{year}": Entry(
        MANAGE, method="PATCH", params=COUNTRY | {"year": "pledge_year"}, body=lambda w: {"reason": ""}
    ),
}
for _key, _entry in [
    _post("/{reference}/assessment", lambda w: {"need_assessment": ""}),
    _post("/{reference}/splits", lambda w: {"persons": [w.person.reference], "reason": ""}),
    _post("/{reference}/submissions", lambda w: {"country": "XX"}),
    _post("/{reference}/decisions", lambda w: {"note": ""}),
    _post("/{reference}/steps", lambda w: {"action": "no-such-step"}),
    _post("/{reference}/departures", lambda w: {"action": "no-such-action"}, allow=DEPART),
]:
    ROUTES[_key] = _entry


def build_world(w):
    from asylon.core.dates import today
    from asylon.sharing import services as sharing_services
    from asylon.solutions import pledges, services

    po = w.users["protection_officer"]
    rso = w.users["resettlement_officer"]
    recipient = sharing_services.create_recipient(
        actor=po, name="Delegation of Albania (matrix)", kind="RESETTLEMENT_COUNTRY", country="AL"
    )
    sharing_services.record_sharing_agreement(
        actor=po,
        recipient=recipient,
        reference="AGR-AL-MATRIX",
        purpose="resettlement case processing",
        fields=["case_reference", "priority", "reference", "full_name", "sex", "date_of_birth", "nationality"],
        valid_from=today() - timedelta(days=30),
    )
    w.receiving_country = pledges.create_receiving_country(
        actor=rso, country="AL", selection_mode="DOSSIER", recipient=recipient
    )
    w.resettlement_case = services.open_case(actor=rso, household=w.household, primary_category="LPP")
    services.assess_case(actor=rso, case=w.resettlement_case, need_assessment="Protection risk in the host country.")
    w.resettlement_batch = services.submit_batch(actor=rso, country=w.receiving_country, cases=[w.resettlement_case])
    w.resettlement_case.refresh_from_db()
    w.resettlement_fmt = "csv"
    w.pledge_year = pledges.record_pledge(actor=rso, country=w.receiving_country, year=today().year, places=40).year
