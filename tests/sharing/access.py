"""Access-matrix entries for data sharing: the page of recipients, agreements, partner
accounts and disclosures. Partners (D3) read shared persons only, nothing here."""

from __future__ import annotations

from tests.access_matrix import Entry, having

ROUTES = {
    "page:sharing:recipients": Entry(having("movements.view_recipient")),
}
