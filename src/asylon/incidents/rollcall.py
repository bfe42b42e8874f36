"""Roll calls after an attack: start, mark (many monitors at once, online or not), count, close.

Closing changes no presence: a mark is an observation, and the dead, missing and not found
become reviews for protection officers (reviews.py) before anything reaches the register.

Marking takes no lock beyond the rows it changes: a batch of marks is one conditional UPDATE
... FROM VALUES that applies a mark only when its client time is newer than the stored
mark's, so concurrent monitors never overwrite a newer mark and no mark is silently lost:
each one comes back as applied, duplicate or conflict (with the stored value). Marks are
idempotent on the client's id for the mark. The UPDATE and one audit event naming every
person the batch marked (`roll_call.marked`) commit together, so the trail holds exactly
the marks the roll call holds (tests/incidents/test_roll_call_concurrency.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from asylon.audit import services as audit
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Location, Person, Presence, Site
from asylon.safeguards.messages import Number, message

from .alerts import raise_alert
from .models import (
    ACCOUNTED,
    AffectedPerson,
    AlertKind,
    Harm,
    Incident,
    PresenceReview,
    RollCall,
    RollCallChannel,
    RollCallEntry,
    RollCallResult,
    RollCallState,
    Severity,
)
from .transitions import ROLL_CALL

MAX_BATCH = 500
RESULTS = frozenset(RollCallResult.values)  # built once: `.values` builds a new list on each call
CLOCK_SKEW = timedelta(minutes=10)

# The marks that are proposed to the register on closing, each waiting for a protection
# officer's review (reviews.py); no mark changes a presence by itself (DOMAIN 9.2).
PROPOSED_PRESENCE: dict[str, str] = {
    RollCallResult.DECEASED: Presence.DECEASED,
    RollCallResult.MISSING: Presence.MISSING,
    RollCallResult.NOT_FOUND: Presence.MISSING,
}


@transaction.atomic
def start_roll_call(
    *, actor: Actor, site: Site, blocks: list[Location] | None = None, incident: Incident | None = None
) -> RollCall:
    """List every person present in the site (or the given blocks) as not yet checked."""
    ensure(actor, "incidents.add_rollcall", site)
    blocks = list(blocks or [])
    errors: dict[str, list[str]] = {}
    if any(b.site_id != site.pk or b.parent_id is not None for b in blocks):
        errors["blocks"] = [_("Choose blocks of site %(s)s.") % {"s": site.code}]
    if incident is not None and incident.site_id != site.pk:
        errors["incident"] = [_("This incident is not in site %(s)s.") % {"s": site.code}]
    if errors:
        raise InvalidInput(errors)
    rc = RollCall.objects.create(site=site, incident=incident, started_by=actor, started_at=timezone.now())
    persons = Person.objects.filter(site=site, presence=Presence.PRESENT)
    if blocks:
        rc.blocks.set(blocks)
        persons = persons.filter(unit__parent__in=blocks)
    ids = list(persons.order_by("reference").values_list("pk", flat=True))
    RollCallEntry.objects.bulk_create([RollCallEntry(roll_call=rc, person_id=pk) for pk in ids], batch_size=1000)
    audit.record(
        actor,
        "roll_call.started",
        rc,
        changes={
            "blocks": [b.name for b in blocks],
            "incident": incident.reference if incident else None,
            "expected": len(ids),
        },
    )
    raise_alert(
        site=site,
        kind=AlertKind.ROLL_CALL,
        severity=Severity.SERIOUS,
        title=message(gettext_noop("Roll call started at %(s)s"), s=site.code),
        body=message(gettext_noop("%(n)s persons to account for."), n=Number(len(ids))),
        link=reverse("incidents:rollcall_mark", args=[rc.pk]),
        source=rc,
    )
    return rc


@dataclass
class Mark:
    person: str  # the person's reference
    result: str
    marked_at: datetime
    client_id: str


def parse_marks(raw: list[dict[str, Any]]) -> tuple[list[Mark], list[dict]]:
    """Turn a JSON batch into marks; malformed ones come back as rejected, with the reason."""
    marks, rejected = [], []
    for item in raw[:MAX_BATCH] if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            rejected.append({"client_id": "", "person": "", "status": "rejected", "reason": "not an object"})
            continue
        client_id = str(item.get("client_id") or "")[:64]
        when = item.get("marked_at")
        at = when if isinstance(when, datetime) else parse_datetime(str(when or ""))
        reason = ""
        if item.get("result") not in RESULTS:
            reason = "unknown result"
        elif at is None or timezone.is_naive(at):
            reason = "marked_at must be an ISO time with its offset"
        elif not client_id or not item.get("person"):
            reason = "person and client_id are required"
        if reason:
            rejected.append(
                {"client_id": client_id, "person": str(item.get("person", "")), "status": "rejected", "reason": reason}
            )
            continue
        assert at is not None
        marks.append(Mark(person=str(item["person"]), result=item["result"], marked_at=at, client_id=client_id))
    if isinstance(raw, list) and len(raw) > MAX_BATCH:
        rejected.extend(
            {
                "client_id": str(i.get("client_id", "")),
                "person": "",
                "status": "rejected",
                "reason": f"more than {MAX_BATCH} marks in one batch",
            }
            for i in raw[MAX_BATCH:]
            if isinstance(i, dict)
        )
    return marks, rejected


def _stored(entry: RollCallEntry) -> dict:
    return {
        "result": entry.result,
        "marked_at": entry.marked_at.isoformat() if entry.marked_at else None,
        "marked_by": entry.marked_by.username if entry.marked_by else None,
        "version": entry.version,
    }


def mark_persons(
    *, actor: Actor, roll_call: RollCall, marks: list[Mark], channel: str = RollCallChannel.PHONE
) -> list[dict]:
    """Apply a batch of marks. Each comes back as applied, duplicate, conflict or rejected.

    The channel (phone or paper sheet) is kept on each applied mark, with the actor who sent
    or entered it as marked_by.

    The batch is one UPDATE ... WHERE marked_at IS NULL OR marked_at < new (one per repeated
    person, oldest first), which locks its rows in id order, so concurrent batches queue
    rather than deadlock; then one audit event names each person marked and the mark, and
    the transaction ends. The audit chain's head is the last lock taken, and its holder
    waits for nothing else, so batches never wait on each other in a circle.
    """
    ensure(actor, "incidents.mark_rollcall", roll_call)
    now = timezone.now()
    # The roll call's state is read with the entries: a closed roll call has none to mark.
    entry_ids = _open_entries(roll_call, {m.person for m in marks})
    if not entry_ids and RollCall.objects.filter(pk=roll_call.pk).values_list("state", flat=True).first() != (
        RollCallState.OPEN
    ):
        raise Conflict(_("This roll call is closed."), code="roll_call_closed")
    out: list[dict] = []
    todo = []
    for m in marks:
        base = {"client_id": m.client_id, "person": m.person}
        if m.person not in entry_ids:
            out.append({**base, "status": "rejected", "reason": "not in this roll call"})
        elif m.marked_at > now + CLOCK_SKEW or m.marked_at < roll_call.started_at - CLOCK_SKEW:
            out.append(
                {**base, "status": "rejected", "reason": "marked_at is outside the roll call (check the phone's clock)"}
            )
        else:
            todo.append(m)
    todo.sort(key=lambda m: (entry_ids[m.person], m.marked_at))
    # Round k holds each person's k-th mark of the batch (oldest first), so a person marked
    # twice in one batch ends with the newer mark, as if the marks had come one by one.
    rounds: list[list[Mark]] = []
    seen: dict[str, int] = {}
    for m in todo:
        k = seen[m.person] = seen.get(m.person, -1) + 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(m)
    missed = _apply_rounds(actor, roll_call, rounds, entry_ids, channel, out) if rounds else []
    if missed:
        stored = RollCallEntry.objects.select_related("marked_by").in_bulk([entry_ids[m.person] for m in missed])
        for m in missed:
            entry = stored[entry_ids[m.person]]
            base = {"client_id": m.client_id, "person": m.person}
            if entry.client_id == m.client_id:
                out.append({**base, "status": "duplicate", "stored": _stored(entry)})
            else:
                out.append({**base, "status": "conflict", "mine": m.result, "stored": _stored(entry)})
    return out


def _open_entries(roll_call: RollCall, references: set[str]) -> dict[str, int]:
    """Reference → entry id of the persons named, if the roll call is open. Raw SQL: this
    runs on every batch, and the ORM's compiling of the join cost more than the statement."""
    if not references:
        return {}
    entry, person, rc = (m._meta.db_table for m in (RollCallEntry, Person, RollCall))
    sql = (
        f"SELECT p.reference, e.id FROM {entry} e JOIN {person} p ON p.id = e.person_id "  # noqa: S608 - no user text
        f"JOIN {rc} r ON r.id = e.roll_call_id WHERE e.roll_call_id = %s AND r.state = %s "
        f"AND p.reference IN ({', '.join(['%s'] * len(references))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [roll_call.pk, str(RollCallState.OPEN), *sorted(references)])
        return dict(cursor.fetchall())


@transaction.atomic
def _apply_rounds(
    actor: Actor, roll_call: RollCall, rounds: list[list[Mark]], entry_ids: dict[str, int], channel: str, out: list
) -> list[Mark]:
    """The batch's UPDATEs and its one audit event, in one transaction; the marks not applied.

    The reads before it run outside: on SQLite the write lock (BEGIN IMMEDIATE) is held for
    the UPDATE and the audit event only."""
    _still_open(roll_call)
    missed: list[Mark] = []
    for batch in rounds:
        changed = _apply_marks(actor, [(entry_ids[m.person], m) for m in batch], channel)
        for m in batch:
            if entry_ids[m.person] in changed:
                out.append({"client_id": m.client_id, "person": m.person, "status": "applied", "result": m.result})
            else:
                missed.append(m)
    # A person marked twice in the batch is named once, with the newer mark (the later round).
    applied = {r["person"]: r["result"] for r in out if r["status"] == "applied"}
    if applied:
        changes = {"channel": str(channel), "marks": dict(sorted(applied.items()))}
        audit.record(actor, "roll_call.marked", roll_call, changes=changes)
    return missed


def _still_open(roll_call: RollCall) -> None:
    """Refuse the batch if the roll call closed after its entries were read.

    A close holds the roll call's row FOR UPDATE while it counts the marks for its report; a
    batch holds it FOR SHARE until it commits (batches share it among themselves), so a batch
    lands wholly before a close, and is in its report, or is refused. On SQLite the batch's
    transaction holds the database's write lock, so no close runs between the read and the UPDATE.
    """
    sql = f"SELECT state FROM {RollCall._meta.db_table} WHERE id = %s"  # noqa: S608 - the model's own table
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [roll_call.pk])
        row = cursor.fetchone()
    if row is None or row[0] != RollCallState.OPEN:
        raise Conflict(_("This roll call is closed."), code="roll_call_closed")


def _apply_marks(actor: Actor, marks: list[tuple[int, Mark]], channel: str = RollCallChannel.PHONE) -> set[int]:
    """One conditional UPDATE for marks of distinct entries; the ids of the entries it changed.

    Runs in the caller's transaction. On PostgreSQL the rows are locked in id order first
    (two batches over the same persons queue rather than deadlock) and the newer-wins test
    is re-checked on the row as committed.
    """
    if not marks:
        return set()
    connection = transaction.get_connection()
    ids, results, times, cids = [pk for pk, _m in marks], [], [], []
    for _pk, m in marks:
        results.append(m.result)
        times.append(connection.ops.adapt_datetimefield_value(m.marked_at))
        cids.append(m.client_id)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Four arrays, whatever the batch's size: one statement text, parsed once by the driver.
            cursor.execute(_PG_MARKS, [ids, results, times, cids, actor.pk, str(channel)])
        else:
            params = [x for row in zip(ids, results, times, cids, strict=True) for x in row]
            cursor.execute(_sqlite_marks(len(marks)), [*params, actor.pk, str(channel)])
        return {r[0] for r in cursor.fetchall()}


_ENTRIES = RollCallEntry._meta.db_table
_SET = (
    "SET result = v.result, marked_at = v.at, marked_by_id = %s, client_id = v.cid, channel = %s, "
    "version = e.version + 1"
)
# On PostgreSQL the rows are locked in id order first (ORDER BY ... FOR UPDATE).
_PG_MARKS = (
    "WITH v(id, result, at, cid) AS (SELECT * FROM unnest(CAST(%s AS bigint[]), CAST(%s AS text[]), "  # noqa: S608
    "CAST(%s AS timestamp with time zone[]), CAST(%s AS text[]))), "
    f"locked AS (SELECT id FROM {_ENTRIES} WHERE id IN (SELECT id FROM v) ORDER BY id FOR UPDATE) "
    f"UPDATE {_ENTRIES} AS e {_SET} FROM v, locked "
    "WHERE e.id = v.id AND locked.id = e.id AND (e.marked_at IS NULL OR e.marked_at < v.at) RETURNING e.id"
)


def _sqlite_marks(n: int) -> str:
    # SQLite's RETURNING names the target table's columns only, unqualified.
    return (
        f"WITH v(id, result, at, cid) AS (VALUES {', '.join(['(%s, %s, %s, %s)'] * n)}) "  # noqa: S608 - no user text
        f"UPDATE {_ENTRIES} AS e {_SET} FROM v "
        "WHERE e.id = v.id AND (e.marked_at IS NULL OR e.marked_at < v.at) RETURNING id"
    )


def counts(roll_call: RollCall) -> dict[str, Any]:
    """The live totals: every marking page polls them (and reads them once its marks are
    sent), so one statement without the ORM's compiling."""
    sql = f"SELECT result, COUNT(*) FROM {RollCallEntry._meta.db_table} WHERE roll_call_id = %s GROUP BY result"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [roll_call.pk])
        by_result = dict(cursor.fetchall())
    result = {r: by_result.get(r, 0) for r in RollCallResult.values}
    total = sum(result.values())
    accounted = sum(v for k, v in result.items() if k in ACCOUNTED)
    return {"total": total, "accounted": accounted, "unaccounted": total - accounted, "by_result": result}


def _transition(rc: RollCall, to: str) -> None:
    ROLL_CALL.step_to(to, rc.state)
    rc.state = to


def closing_preview(roll_call: RollCall) -> dict[str, Any]:
    """What closing will do, for the confirmation page: the counts per mark, how many are
    still unaccounted, and the persons whose mark becomes a review (dead, missing, not found)."""
    entries = (
        RollCallEntry.objects.filter(roll_call=roll_call, result__in=list(PROPOSED_PRESENCE))
        .select_related("person", "person__unit", "marked_by")
        .order_by("person__reference")
    )
    to_review: dict[str, list[RollCallEntry]] = {r: [] for r in PROPOSED_PRESENCE}
    for e in entries:
        to_review[e.result].append(e)
    return {**counts(roll_call), "to_review": to_review, "reviews": sum(len(v) for v in to_review.values())}


@transaction.atomic
def close_roll_call(*, actor: Actor, roll_call: RollCall) -> RollCall:
    """Freeze the marks and write the report. Change no presence.

    Each "dead", "missing" or "not found" mark becomes a pending review (reviews.py): only a
    confirmed review reaches the register and the incident's killed and missing. "Injured"
    marks name the persons affected by the incident and raise its injured figure, as before.
    """
    ensure(actor, "incidents.close_rollcall", roll_call)
    rc = RollCall.objects.select_for_update(of=("self",)).select_related("site", "incident").get(pk=roll_call.pk)
    _transition(rc, RollCallState.CLOSED)
    rc.closed_at, rc.closed_by = timezone.now(), actor
    report = counts(rc)
    rc.report = {**report, "closed_at": rc.closed_at.isoformat()}
    rc.save(update_fields=["state", "closed_at", "closed_by", "report"])
    marks = list(
        RollCallEntry.objects.filter(roll_call=rc, result__in=[*PROPOSED_PRESENCE, RollCallResult.INJURED]).values_list(
            "person_id", "result", "marked_by_id", "marked_at"
        )
    )
    reviews = PresenceReview.objects.bulk_create(
        [
            PresenceReview(
                roll_call=rc,
                site_id=rc.site_id,
                person_id=pid,
                observed=result,
                observed_by_id=by,
                observed_at=at,
                proposed=PROPOSED_PRESENCE[result],
            )
            for pid, result, by, at in marks
            if result in PROPOSED_PRESENCE
        ],
        batch_size=1000,
    )
    if rc.incident is not None:
        _record_injured(
            actor, rc, rc.incident, [pid for pid, result, _by, _at in marks if result == RollCallResult.INJURED]
        )
    audit.record(actor, "roll_call.closed", rc, changes={**report, "reviews_opened": len(reviews)})
    return rc


def _record_injured(actor: Actor, rc: RollCall, incident: Incident, injured: list[int]) -> None:
    """Name the injured as affected by the incident and raise its injured figure to their count."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    reason = _("Roll call %(id)s closed") % {"id": rc.pk}
    if len(injured) > incident.injured:
        Incident.objects.filter(pk=incident.pk).update(injured=len(injured))
        audit.record(
            actor,
            "incident.counts_from_roll_call",
            incident,
            changes={"injured": [incident.injured, len(injured)]},
            reason=reason,
        )
    existing = set(AffectedPerson.objects.filter(incident=incident).values_list("person_id", flat=True))
    AffectedPerson.objects.bulk_create(
        [
            AffectedPerson(incident=incident, person_id=pid, harm=Harm.INJURED, note=reason)
            for pid in injured
            if pid not in existing
        ],
        batch_size=1000,
    )


def report_lists(roll_call: RollCall) -> dict[str, list[RollCallEntry]]:
    """The persons of the report, by result (unaccounted first). Personal data: D4."""
    rows = (
        RollCallEntry.objects.filter(roll_call=roll_call)
        .exclude(result=RollCallResult.ACCOUNTED_SAFE)
        .select_related("person", "person__unit", "person__unit__parent", "marked_by")
        .order_by("person__reference")
    )
    lists: dict[str, list[RollCallEntry]] = {r: [] for r in RollCallResult.values if r != RollCallResult.ACCOUNTED_SAFE}
    for e in rows:
        lists[e.result].append(e)
    return lists
