"""Access-matrix entries for a household's life: births, deaths, moves, splits, joins,
units and the household's history. Bodies are refused by the service (422) or ask for
confirmation (409), so walking the matrix leaves the world as it was."""

from tests.access_matrix import Entry, having

CHANGE = having("registry.change_household")
REPORT = having("registry.change_person")
CONFIRM = having("incidents.review_presence")
HISTORY = having("registry.view_household")
HOUSEHOLD = {"reference": "household.reference"}
PERSON = {"reference": "person.reference"}
REPORT_ID = {"report_id": "death_report.pk"}
NO_REASON = {"reason": ""}

ROUTES = {
    "page:registry:household_life": Entry(CHANGE, params=HOUSEHOLD),
    "page:registry:household_history": Entry(HISTORY, params=HOUSEHOLD),
    "page:registry:death_report": Entry(REPORT, params=PERSON),
    "page:registry:death_decide": Entry(having("registry.view_person"), params={"pk": "death_report.pk"}),
    "api:POST /api/v1/households/{reference}/births": Entry(
        CHANGE,
        method="POST",
        params=HOUSEHOLD,
        body=lambda w: {"child": {"given_name": "Nika", "sex": "F"}, "mother": w.person.reference, "reason": ""},
    ),
    "api:POST /api/v1/persons/{reference}/death-reports": Entry(
        REPORT, method="POST", params=PERSON, body=lambda w: {"source": "CLINIC", "note": ""}
    ),
    "api:POST /api/v1/death-reports/{report_id}/confirm": Entry(
        CONFIRM, method="POST", params=REPORT_ID, body=lambda w: {"reason": "seen"}
    ),
    "api:POST /api/v1/death-reports/{report_id}/reject": Entry(
        CONFIRM, method="POST", params=REPORT_ID, body=lambda w: NO_REASON
    ),
    "api:POST /api/v1/persons/{reference}/household-move": Entry(
        CHANGE,
        method="POST",
        params=PERSON,
        body=lambda w: {"target": w.household.reference, "relationship": "CHILD", "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/split": Entry(
        CHANGE,
        method="POST",
        params=HOUSEHOLD,
        body=lambda w: {"members": [{"person": w.person.reference, "relationship": "PA"}], "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/join": Entry(
        CHANGE,
        method="POST",
        params=HOUSEHOLD,
        body=lambda w: {"target": w.household.reference, "principal_relationship": "SPOUSE", "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/unit": Entry(
        CHANGE, method="POST", params=HOUSEHOLD, body=lambda w: {"unit": 1, "reason": ""}
    ),
    "api:GET /api/v1/households/{reference}/history": Entry(HISTORY, params=HOUSEHOLD),
}


def build_world(w):
    from datetime import date

    from asylon.registry import life_events

    w.death_report = life_events.report_death(
        actor=w.users["registration_clerk"], person=w.person, source="FAMILY", died_on=date.today(), note="Matrix"
    )
