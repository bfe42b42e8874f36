"""Access-matrix entries for the administrator's user pages and their API routes:
administrators only; the user they open is one of site A's, made for the matrix so a reset
changes nobody else."""

from __future__ import annotations

from tests.access_matrix import Entry, having

MANAGE = having("accounts.change_user")
USER = {"pk": "managed_user.pk"}

ROUTES = {
    "page:accounts:user_list": Entry(MANAGE),
    "page:accounts:user_new": Entry(having("accounts.add_user")),
    "page:accounts:user_detail": Entry(MANAGE, params=USER),
    "page:accounts:user_reset_password": Entry(MANAGE, method="POST", params=USER),
    "page:accounts:user_enrolment_code": Entry(MANAGE, method="POST", params=USER),
    # The same over the API (accounts/api.py).
    "api:GET /api/v1/users": Entry(MANAGE),
    "api:POST /api/v1/users": Entry(
        having("accounts.add_user"),
        method="POST",
        body=lambda w: {"username": "m-api-new", "role": "field_monitor", "sites": [w.site_a.code]},
    ),
    "api:GET /api/v1/users/{user_id}": Entry(MANAGE, params={"user_id": "managed_user.pk"}),
    "api:PATCH /api/v1/users/{user_id}": Entry(
        MANAGE, method="PATCH", params={"user_id": "managed_user.pk"}, body=lambda w: {"role": "field_monitor"}
    ),
    "api:GET /api/v1/roles": Entry(MANAGE),
}


def build_world(w):
    from asylon.accounts.services import create_user

    w.managed_user = create_user(actor=None, username="m-managed", role="field_monitor", sites=[w.site_a]).user
