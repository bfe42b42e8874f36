"""Access-matrix entries for sites and their places over the API: the register's readers
read them (in site A, where the matrix's users work); administrators add blocks and units."""

from __future__ import annotations

from tests.access_matrix import Entry, having

READ = having("registry.view_site")
CHANGE = having("registry.change_site")
SITE = {"code": "site_a.code"}

ROUTES = {
    "api:GET /api/v1/sites": Entry(READ),
    "api:GET /api/v1/sites/{code}": Entry(READ, params=SITE),
    "api:GET /api/v1/sites/{code}/blocks": Entry(READ, params=SITE),
    "api:GET /api/v1/sites/{code}/units": Entry(READ, params=SITE),
    "api:POST /api/v1/sites/{code}/blocks": Entry(
        CHANGE, method="POST", params=SITE, body=lambda w: {"name": "Block Matrix"}
    ),
    "api:POST /api/v1/sites/{code}/blocks/{block_id}/units": Entry(
        CHANGE,
        method="POST",
        params={**SITE, "block_id": "places_block.pk"},
        body=lambda w: {"name": "MX-01"},
    ),
}


def build_world(w):
    from asylon.registry.models import Location

    w.places_block = Location.objects.get(site=w.site_a, kind="BLOCK", name="Block M")
