"""Access-matrix entries for the register's API and pages beyond the core ones:
- sites and their places over the API: the register's readers read them (in site A, where the
  matrix's users work); administrators add blocks and units;
- residents' photos: read by those who see the person, taken by those who may correct the
  record. The world's person has a photo, so a reader gets it;
- a household's life (births, deaths, moves, splits, joins, units, history): bodies are refused
  by the service (422) or ask for confirmation (409), so walking the matrix leaves the world as
  it was."""

from __future__ import annotations

from tests.access_matrix import VIEW_REGISTER, Entry, having

READ = having("registry.view_site")
CHANGE_SITE = having("registry.change_site")
CHANGE_PERSON = having("registry.change_person")
SITE = {"code": "site_a.code"}
PERSON = {"reference": "person.reference"}
CHANGE_HOUSEHOLD = having("registry.change_household")
REPORT = having("registry.change_person")
CONFIRM = having("incidents.review_presence")
HISTORY = having("registry.view_household")
HOUSEHOLD = {"reference": "household.reference"}
REPORT_ID = {"report_id": "death_report.pk"}
NO_REASON = {"reason": ""}

ROUTES = {
    "api:GET /api/v1/sites": Entry(READ),
    "api:GET /api/v1/sites/{code}": Entry(READ, params=SITE),
    "api:GET /api/v1/sites/{code}/blocks": Entry(READ, params=SITE),
    "api:GET /api/v1/sites/{code}/units": Entry(READ, params=SITE),
    "api:POST /api/v1/sites/{code}/blocks": Entry(
        CHANGE_SITE, method="POST", params=SITE, body=lambda w: {"name": "Block Matrix"}
    ),
    "api:POST /api/v1/sites/{code}/blocks/{block_id}/units": Entry(
        CHANGE_SITE,
        method="POST",
        params={**SITE, "block_id": "places_block.pk"},
        body=lambda w: {"name": "MX-01"},
    ),
    "page:registry:person_photo": Entry(VIEW_REGISTER, params=PERSON),
    # No file: a role let in is told to choose one (back to the person page), others refused.
    "page:registry:person_photo_upload": Entry(CHANGE_PERSON, params=PERSON, method="POST", body=lambda w: {}),
    "api:GET /api/v1/persons/{reference}/photo": Entry(VIEW_REGISTER, params=PERSON),
    # A JSON body is no photo: a role let in gets 422/400, others 401/403.
    "api:PUT /api/v1/persons/{reference}/photo": Entry(CHANGE_PERSON, params=PERSON, method="PUT", body=lambda w: {}),
    # a household's life
    "page:registry:household_life": Entry(CHANGE_HOUSEHOLD, params=HOUSEHOLD),
    "page:registry:household_history": Entry(HISTORY, params=HOUSEHOLD),
    "page:registry:death_report": Entry(REPORT, params=PERSON),
    "page:registry:death_decide": Entry(having("registry.view_person"), params={"pk": "death_report.pk"}),
    "api:POST /api/v1/households/{reference}/births": Entry(
        CHANGE_HOUSEHOLD,
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
        CHANGE_HOUSEHOLD,
        method="POST",
        params=PERSON,
        body=lambda w: {"target": w.household.reference, "relationship": "CHILD", "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/split": Entry(
        CHANGE_HOUSEHOLD,
        method="POST",
        params=HOUSEHOLD,
        body=lambda w: {"members": [{"person": w.person.reference, "relationship": "PA"}], "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/join": Entry(
        CHANGE_HOUSEHOLD,
        method="POST",
        params=HOUSEHOLD,
        body=lambda w: {"target": w.household.reference, "principal_relationship": "SPOUSE", "reason": ""},
    ),
    "api:POST /api/v1/households/{reference}/unit": Entry(
        CHANGE_HOUSEHOLD, method="POST", params=HOUSEHOLD, body=lambda w: {"unit": 1, "reason": ""}
    ),
    "api:GET /api/v1/households/{reference}/history": Entry(HISTORY, params=HOUSEHOLD),
}


def build_world(w) -> None:
    import io
    from datetime import date

    from PIL import Image

    from asylon.accounts.roles import Role
    from asylon.registry import life_events
    from asylon.registry.models import Location
    from asylon.registry.photos import set_photo

    w.places_block = Location.objects.get(site=w.site_a, kind="BLOCK", name="Block M")
    buffer = io.BytesIO()
    Image.new("RGB", (60, 75), (90, 60, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    set_photo(actor=w.users[Role.REGISTRATION_CLERK], person=w.person, file=buffer, name="face.jpg")
    w.death_report = life_events.report_death(
        actor=w.users["registration_clerk"], person=w.person, source="FAMILY", died_on=date.today(), note="Matrix"
    )
