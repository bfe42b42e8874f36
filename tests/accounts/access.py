"""Access-matrix entries for the administrator's user pages: administrators only;
the user they open is one of site A's, made for the matrix so a reset changes nobody else."""

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
}


def build_world(w):
    from asylon.accounts.services import create_user

    w.managed_user = create_user(actor=None, username="m-managed", role="field_monitor", sites=[w.site_a]).user
