"""Access-matrix entries for the audit trail's API: the roles the trail page is open to.
The event they open is one of site A's register events, which both of them read."""

from __future__ import annotations

from tests.access_matrix import Entry, having

TRAIL = having("audit.view_audit_trail")

ROUTES = {
    "api:GET /api/v1/audit-events": Entry(TRAIL),
    "api:GET /api/v1/audit-events/export": Entry(TRAIL),
    "api:GET /api/v1/audit-events/{seq}": Entry(TRAIL, params={"seq": "audit_seq"}),
}


def build_world(w):
    from asylon.audit.models import AuditEvent

    event = AuditEvent.objects.filter(site_id=w.site_a.pk, object_type="registry.household").order_by("seq").first()
    w.audit_seq = event.seq
