"""The audit trail over the API: the events a reader may see, filtered as on the trail page,
one event, and the filtered trail as a CSV file.

Open to the roles the trail page is open to (`audit.view_audit_trail`: administrators and
protection officers). Every read goes through `queries.events_for`, the trail's one read,
so an event outside the reader's sites, or about accounts for a non-administrator, is not
listed and reads as absent (404). Like the page, reading the trail records no event of its
own: the trail is what the services wrote, and a read of it changes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import StreamingHttpResponse
from ninja import Field, Path, Query, Router, Schema

from asylon.core.api_edge import Id, Line, requires
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.types import Actor, AuthedRequest
from asylon.registry.queries import site_in_scope

from . import queries
from .models import AuditEvent

router = Router(tags=["audit"])

READ = "audit.view_audit_trail"
PAGE_MAX = 500


class AuditChangeOut(Schema):
    field: str = Field(examples=["presence"])
    text: str = Field(description="The change as the trail page words it", examples=["present → missing"])


class AuditEventOut(Schema):
    seq: int = Field(description="Position in the chain; newer events have higher numbers", examples=[1042])
    at: datetime = Field(examples=["2013-05-01T10:15:00Z"])
    actor: str = Field(description="Username of who acted, or system", examples=["protection-lib"])
    action: str = Field(examples=["person.presence_changed"])
    object_type: str = Field(examples=["registry.person"])
    object_id: str = Field(examples=["311"])
    object_ref: str = Field(description="The record's public reference, when it has one", examples=["LIB-000123"])
    changes: dict[str, Any] = Field(
        description="Values before and after, as stored (sensitive values masked)",
        examples=[{"presence": ["PRESENT", "MISSING"]}],
    )
    change_lines: list[AuditChangeOut] = Field(description="The same changes in words, as the page shows them")
    reason: str = Field(examples=["Not seen at two roll calls"])

    @staticmethod
    def resolve_actor(event: AuditEvent) -> str:
        return event.actor_username

    @staticmethod
    def resolve_change_lines(event: AuditEvent) -> list[dict[str, str]]:
        return [{"field": f, "text": t} for f, t in queries.change_lines(event)]


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next (older) events; null on the last page", examples=[1001]
    )


@dataclass(frozen=True)
class _Page:
    items: list[AuditEvent]
    next_cursor: int | None


class AuditFilterIn(Schema):
    """The trail page's filters, and the site and the kind of record an event is about."""

    actor: Line | None = Field(None, description="Username of who acted", examples=["protection-lib"])
    action: Line | None = Field(None, examples=["person.presence_changed"])
    object_type: Line | None = Field(None, description='"app_label.model"', examples=["registry.person"])
    reference: Line | None = Field(None, description="A record's public reference", examples=["LIB-000123"])
    site: Line | None = Field(None, description="Code of one of your sites", examples=["LIB"])
    since: date | None = Field(None, description="From this day", examples=["2013-05-01"])
    until: date | None = Field(None, description="To this day, inclusive", examples=["2013-05-31"])


class AuditPageIn(AuditFilterIn):
    cursor: Id | None = Field(None, description="`next_cursor` of the page before", examples=[1001])
    limit: int = Field(100, ge=1, le=PAGE_MAX, examples=[100])


class AuditEventPath(Schema):
    seq: Id = Field(examples=[1042])


def _events(actor: Actor, f: AuditFilterIn):
    if f.since and f.until and f.since > f.until:
        raise InvalidInput({"until": ["The end is before the start."]})
    site = site_in_scope(actor, f.site) if f.site else None
    filters = queries.EventFilters(
        person=f.reference,
        username=f.actor,
        since=f.since,
        until=f.until,
        action=f.action,
        object_type=f.object_type,
        site=site.pk if site else None,
    )
    return queries.events_for(actor, filters)


@router.get("/audit-events", response=AuditEventPage, auth=requires(READ), summary="List audit events")
def list_events(request: AuthedRequest, filters: Query[AuditPageIn]):
    """The events you may read, newest first, filtered as on the trail page; page on with
    `next_cursor` (constant cost however deep)."""
    qs = _events(request.user, filters)
    if filters.cursor is not None:
        qs = qs.filter(seq__lt=filters.cursor)
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return _Page(items=rows, next_cursor=rows[-1].seq if more else None)


# Before /audit-events/{seq}: "export" is no event number.
@router.get(
    "/audit-events/export",
    auth=requires(READ),
    summary="Export audit events as CSV",
    response={200: None},
    openapi_extra={
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def export_events(request: AuthedRequest, filters: Query[AuditFilterIn]):
    """The filtered events as CSV, newest first, in the trail page's columns."""
    rows = _csv_rows(_events(request.user, filters))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


@router.get("/audit-events/{seq}", response=AuditEventOut, auth=requires(READ), summary="Read one audit event")
def get_event(request: AuthedRequest, path: Path[AuditEventPath]):
    event = queries.events_for(request.user).filter(seq=path.seq).first()
    if event is None:
        raise NotFound("No such event.")
    return event


CSV_COLUMNS = ["seq", "at", "user", "action", "record", "changes", "reason"]


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A cell a spreadsheet would read as a formula is shown as text (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_rows(events) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for ev in events.iterator(chunk_size=1000):
        record = ev.object_ref or " ".join(x for x in (ev.object_type, ev.object_id) if x)
        changes = "; ".join(f"{field}: {text}" for field, text in queries.change_lines(ev))
        cells = [str(ev.seq), ev.at.isoformat(), ev.actor_username, ev.action, record, changes, ev.reason]
        yield writer.writerow([_cell(c) for c in cells])
