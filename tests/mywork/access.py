"""Access-matrix entries for my work: every signed-in user has a page of their own work
(its sources answer only for what the user may know); nobody signed out."""

from __future__ import annotations

from tests.access_matrix import ALL, Entry

ROUTES = {
    "page:mywork:home": Entry(ALL),
    "api:GET /api/v1/work": Entry(ALL),
}
