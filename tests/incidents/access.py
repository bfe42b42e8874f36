"""Access-matrix entries for incidents: incidents, follow-ups, evidence, alerts and roll calls."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.access_matrix import ALL, Entry, having

VIEW = having("incidents.view_incident")
CHANGE = having("incidents.change_incident")
FOLLOW_UPS = having("incidents.view_followup")
# The world's follow-up is owned by the protection officer: no other role owns it.
FOLLOW_UP_DONE = having("incidents.change_followup")
# A field monitor may attach evidence to an incident they reported: the world's incident is one.
UPLOAD = having("incidents.add_evidence")
EVIDENCE = having("incidents.view_evidence")
ROLL_CALLS = having("incidents.view_rollcall")
MARK = having("incidents.mark_rollcall") & ROLL_CALLS
START = having("incidents.add_rollcall")
CLOSE = having("incidents.close_rollcall")
DELIVERIES = having("incidents.view_delivery")
REVIEW = having("incidents.review_presence")

INCIDENT = {"reference": "incident.reference"}
FOLLOW_UP = {"pk": "follow_up.pk"}
EVIDENCE_FILE = {"pk": "evidence.pk"}
ROLL_CALL = {"pk": "roll_call.pk"}
SHEET = {"pk": "roll_call.pk", "block": "sheet_block"}
PRESENCE_REVIEW = {"pk": "presence_review.pk"}


def png(extra: bytes = b"") -> bytes:
    """A valid 1x1 grey PNG (a text chunk makes each variant's checksum its own)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    text = chunk(b"tEXt", b"Comment\x00" + extra) if extra else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + text
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def _incident_body(w) -> dict:
    return {
        "site": w.site_a.code,
        "kind": "PROPERTY",
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "severity": 1,
    }


def _marks(w) -> dict:
    mark = {
        "person": w.person.reference,
        "result": "ACCOUNTED_SAFE",
        "marked_at": timezone.now().isoformat(),
        "client_id": "matrix-1",
    }
    return {"marks": [mark]}


ROUTES = {
    # incidents
    "page:incidents:list": Entry(VIEW),
    "page:incidents:create": Entry(having("incidents.add_incident")),
    "page:incidents:detail": Entry(VIEW, params=INCIDENT),
    "page:incidents:transition": Entry(
        CHANGE, method="POST", params=INCIDENT, body=lambda w: {"to": "CLOSED", "reason": "Matrix check"}
    ),
    "page:incidents:affected_add": Entry(
        CHANGE, method="POST", params=INCIDENT, body=lambda w: {"person": w.person.reference, "harm": "THREATENED"}
    ),
    "page:incidents:follow_up_add": Entry(
        having("incidents.add_followup"),
        method="POST",
        params=INCIDENT,
        body=lambda w: {
            "action": "Visit the family",
            "owner": w.users["protection_officer"].pk,
            "due_on": timezone.localdate().isoformat(),
        },
    ),
    "page:incidents:follow_ups": Entry(FOLLOW_UPS),
    "page:incidents:follow_up_done": Entry(
        FOLLOW_UP_DONE, method="POST", params=FOLLOW_UP, body=lambda w: {"outcome": "Visited"}
    ),
    # evidence
    "page:incidents:evidence_upload": Entry(
        UPLOAD,
        method="POST",
        params=INCIDENT,
        body=lambda w: {"file": SimpleUploadedFile("second.png", png(b"second"), "image/png"), "description": ""},
    ),
    "page:incidents:evidence_download": Entry(EVIDENCE, params=EVIDENCE_FILE),
    "page:incidents:evidence_handover": Entry(
        EVIDENCE, method="POST", params=EVIDENCE_FILE, body=lambda w: {"recipient": "Prosecutor's office"}
    ),
    # alerts
    "page:incidents:notifications": Entry(ALL),
    "page:incidents:notifications_read": Entry(ALL, method="POST"),
    "page:incidents:deliveries": Entry(DELIVERIES),
    "page:incidents:deliveries_retry": Entry(DELIVERIES, method="POST"),
    # roll calls
    "page:incidents:rollcall_list": Entry(ROLL_CALLS),
    "page:incidents:rollcall_start": Entry(START),
    "page:incidents:rollcall_sw": Entry(ROLL_CALLS),
    "page:incidents:rollcall_mark": Entry(MARK, params=ROLL_CALL),
    "page:incidents:rollcall_entries": Entry(MARK, params=ROLL_CALL),
    "page:incidents:rollcall_counts": Entry(ROLL_CALLS, params=ROLL_CALL),
    "page:incidents:rollcall_marks": Entry(MARK, method="POST", params=ROLL_CALL),
    "page:incidents:rollcall_sheets": Entry(MARK, params=ROLL_CALL),
    "page:incidents:rollcall_sheet_pdf": Entry(MARK, params=SHEET),
    "page:incidents:rollcall_sheet_enter": Entry(MARK, params=SHEET),
    "page:incidents:rollcall_close": Entry(CLOSE, method="POST", params=ROLL_CALL),
    "page:incidents:rollcall_report": Entry(CLOSE, params=ROLL_CALL),
    # reviews of a roll call's deaths and disappearances; the bodies are refused (no source,
    # no reason), so the walk leaves the register as it was
    "page:incidents:presence_reviews": Entry(REVIEW),
    "page:incidents:presence_review_confirm": Entry(
        REVIEW, method="POST", params=PRESENCE_REVIEW, body=lambda w: {"next": "report"}
    ),
    "page:incidents:presence_review_reject": Entry(
        REVIEW, method="POST", params=PRESENCE_REVIEW, body=lambda w: {"next": "report"}
    ),
    # the person's page: correcting a presence is the reviewers' permission
    "page:registry:person_presence": Entry(REVIEW, params={"reference": "person.reference"}),
    # API
    "api:POST /api/v1/incidents": Entry(having("incidents.add_incident"), method="POST", body=_incident_body),
    "api:GET /api/v1/incidents": Entry(VIEW),
    "api:GET /api/v1/incidents/{reference}": Entry(VIEW, params=INCIDENT),
    "api:POST /api/v1/incidents/{reference}/transitions": Entry(
        CHANGE, method="POST", params=INCIDENT, body=lambda w: {"to": "FOLLOW_UP", "reason": "Matrix check"}
    ),
    "api:POST /api/v1/incidents/{reference}/follow-ups": Entry(
        having("incidents.add_followup"),
        method="POST",
        params=INCIDENT,
        body=lambda w: {
            "action": "Call the family",
            "owner": w.users["protection_officer"].username,
            "due_on": timezone.localdate().isoformat(),
        },
    ),
    "api:GET /api/v1/follow-ups": Entry(FOLLOW_UPS),
    "api:POST /api/v1/follow-ups/{pk}/done": Entry(
        FOLLOW_UP_DONE, method="POST", params=FOLLOW_UP, body=lambda w: {"outcome": "Visited"}
    ),
    "api:POST /api/v1/roll-calls": Entry(START, method="POST", body=lambda w: {"site": w.site_a.code}),
    "api:GET /api/v1/roll-calls/{pk}": Entry(ROLL_CALLS, params=ROLL_CALL),
    "api:GET /api/v1/roll-calls/{pk}/counts": Entry(ROLL_CALLS, params=ROLL_CALL),
    "api:POST /api/v1/roll-calls/{pk}/marks": Entry(MARK, method="POST", params=ROLL_CALL, body=_marks),
    "api:POST /api/v1/roll-calls/{pk}/close": Entry(
        CLOSE, method="POST", params=ROLL_CALL, body=lambda w: {"confirm": False}
    ),
}


def build_world(w):
    from asylon.incidents import rollcall, services, sheets

    monitor = w.users["field_monitor"]
    protection = w.users["protection_officer"]
    w.incident = services.report_incident(
        actor=monitor,
        site=w.site_a,
        kind="THREAT",
        occurred_at=timezone.now() - timedelta(hours=2),
        severity=3,
        narrative="Residents of block M were told to leave the camp.",
        perpetrator_detail="A man in a district uniform",
    )
    w.incident_by_protection = services.report_incident(
        actor=protection,
        site=w.site_a,
        kind="ARREST_DETENTION",
        occurred_at=timezone.now() - timedelta(hours=1),
        severity=2,
        narrative="Detained at the gate.",
    )
    services.add_affected_person(actor=protection, incident=w.incident, person=w.person, harm="THREATENED")
    w.follow_up = services.add_follow_up(
        actor=protection, incident=w.incident, action="Visit block M", owner=protection, due_on=timezone.localdate()
    )
    w.evidence = services.add_evidence(
        actor=monitor,
        incident=w.incident,
        file=SimpleUploadedFile("photo.png", png(), "image/png"),
        name="photo.png",
        description="Photo of the notice",
    )
    w.roll_call = rollcall.start_roll_call(actor=protection, site=w.site_a, incident=w.incident)
    w.sheet_block = sheets.sheet_blocks(w.roll_call)[0][0]
    closed = rollcall.start_roll_call(actor=protection, site=w.site_a, incident=w.incident)
    mark = rollcall.Mark(person=w.person.reference, result="DECEASED", marked_at=timezone.now(), client_id="matrix-d")
    rollcall.mark_persons(actor=monitor, roll_call=closed, marks=[mark])
    rollcall.close_roll_call(actor=protection, roll_call=closed)
    w.presence_review = closed.reviews.get()
