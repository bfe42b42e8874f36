"""Access-matrix entries for residents' photos: read by those who see the person, taken by
those who may correct the record. The world's person has a photo, so a reader gets it."""

from __future__ import annotations

from tests.access_matrix import VIEW_REGISTER, Entry, having

PERSON = {"reference": "person.reference"}
CHANGE = having("registry.change_person")

ROUTES = {
    "page:registry:person_photo": Entry(VIEW_REGISTER, params=PERSON),
    # No file: a role let in is told to choose one (back to the person page), others refused.
    "page:registry:person_photo_upload": Entry(CHANGE, params=PERSON, method="POST", body=lambda w: {}),
    "api:GET /api/v1/persons/{reference}/photo": Entry(VIEW_REGISTER, params=PERSON),
    # A JSON body is no photo: a role let in gets 422/400, others 401/403.
    "api:PUT /api/v1/persons/{reference}/photo": Entry(CHANGE, params=PERSON, method="PUT", body=lambda w: {}),
}


def build_world(world) -> None:
    import io

    from PIL import Image

    from asylon.accounts.roles import Role
    from asylon.registry.photos import set_photo

    buffer = io.BytesIO()
    Image.new("RGB", (60, 75), (90, 60, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    set_photo(actor=world.users[Role.REGISTRATION_CLERK], person=world.person, file=buffer, name="face.jpg")
