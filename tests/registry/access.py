"""Access-matrix entries for the register's API and pages beyond the core ones:
- sites and their places over the API: the register's readers read them (in site A, where the
  matrix's users work); administrators add blocks and units;
- residents' photos: read by those who see the person, taken by those who may correct the
  record. The world's person has a photo, so a reader gets it."""

from __future__ import annotations

from tests.access_matrix import VIEW_REGISTER, Entry, having

READ = having("registry.view_site")
CHANGE_SITE = having("registry.change_site")
CHANGE_PERSON = having("registry.change_person")
SITE = {"code": "site_a.code"}
PERSON = {"reference": "person.reference"}

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
}


def build_world(w) -> None:
    import io

    from PIL import Image

    from asylon.accounts.roles import Role
    from asylon.registry.models import Location
    from asylon.registry.photos import set_photo

    w.places_block = Location.objects.get(site=w.site_a, kind="BLOCK", name="Block M")
    buffer = io.BytesIO()
    Image.new("RGB", (60, 75), (90, 60, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    set_photo(actor=w.users[Role.REGISTRATION_CLERK], person=w.person, file=buffer, name="face.jpg")
