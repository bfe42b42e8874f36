"""Writing to the audit trail. Called inside the service's own transaction, so an event
exists exactly when the change it describes was committed.

Every event names the site(s) it concerns (`sites_of`): the object's site, a site itself, a
user's (or a user's token's) sites, or what the caller says. After each committed
transaction that appended events, one signed checkpoint of the head is written outside the
database (`checkpoints.py`), so that a trail cut short together with its head is still seen.

`held_chain()` lets one long transaction (the demo's seeding) append its events in one write
at the end of a block instead of three statements each: the same events, in the same order,
with the same hashes as one by one (see its docstring for what it requires).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from asylon.core.scope import site_id_of
from asylon.core.types import Actor

from . import checkpoints
from .models import AuditEvent, ChainHead, EventSite

MASK = "[sensitive]"
ANOTHER_SITE = "[another site]"


def _key() -> bytes:
    # Derived from the secret key, which lives outside the database.
    return hashlib.sha256(b"asylon-audit-chain:" + settings.SECRET_KEY.encode()).digest()


_SCALARS = (str, int, float)  # bool is an int


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, _SCALARS):  # most values: asked first
        return value
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return str(value)


def event_digest(fields: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps(
        {"prev": prev_hash, **{k: _canonical(v) for k, v in fields.items()}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def hashed_fields(event: AuditEvent, sites: Iterable[int] = ()) -> dict[str, Any]:
    """What an event's hash covers. `sites` (the `EventSite` rows of an event that concerns
    several sites) is covered only when there are any, so events written before sites were
    recorded this way keep their hash."""
    extra = {"sites": sorted(sites)} if sites else {}
    return {
        **extra,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_ref": event.object_ref,
        "site_id": event.site_id,
        "changes": event.changes,
        "reason": event.reason,
    }


def mask(changes: dict[str, Any], sensitive: Iterable[str]) -> dict[str, Any]:
    """Replace sensitive values (before and after) by a marker: the trail says a sensitive
    field changed, never what it holds."""
    hidden = set(sensitive)
    return {k: (MASK if k in hidden and v not in (None, "", [None, None]) else v) for k, v in changes.items()}


@dataclass
class Entry:
    """One event to append, for `record_many`."""

    action: str
    obj: models.Model | None = None
    changes: dict[str, Any] | None = None
    sensitive: Iterable[str] = ()
    reason: str = ""
    object_ref: str = ""
    site_id: int | None = None
    # Every site the event concerns, when the caller knows better than the object (a user of
    # two sites, a batch of cases of several); overrides site_id.
    sites: Iterable[int] | None = None


def sites_of(entry: Entry) -> list[int]:
    """The sites an event concerns, sorted; empty for reference data and countries."""
    if entry.sites is not None:
        return sorted(set(entry.sites))
    if entry.site_id is not None:
        return [entry.site_id]
    obj = entry.obj
    site = site_id_of(obj)
    if site is not None:
        return [site]
    # A user, or a user's token or device: the user's sites (accounts.User.sites).
    user = obj if isinstance(obj, AbstractBaseUser) else getattr(obj, "user", None)
    if isinstance(user, AbstractBaseUser) and user.pk is not None and hasattr(user, "sites"):
        return sorted(user.sites.values_list("pk", flat=True))
    return []


def split_by_site(entry: Entry, references: Mapping[int | None, Iterable[str]]) -> list[Entry]:
    """One entry per site for an event about records of several sites (a disclosure, a batch
    of cases), each naming only its own site's references: every other site's reference in
    the changes or the reason is dropped from lists and masked in text, so that an
    administrator of one site reads nothing of another's. `references` maps each site (None:
    records of no site) to the references of its records in the event."""
    refs = {site: set(own) for site, own in references.items()}
    if len(refs) <= 1:
        return [replace(entry, site_id=next(iter(refs), None), sites=None)]
    entries = []
    for site, own in refs.items():
        foreign = sorted(set().union(*refs.values()) - own, key=len, reverse=True)
        entries.append(
            replace(
                entry,
                changes=_without(entry.changes or {}, foreign),
                reason=_without(entry.reason, foreign),
                site_id=site,
                sites=None,
            )
        )
    return entries


def _without(value: Any, foreign: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, foreign) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without(v, foreign) for v in value if not (isinstance(v, str) and v in foreign)]
    if isinstance(value, str):
        for ref in foreign:  # longest first: no reference is masked inside a longer one
            value = value.replace(ref, ANOTHER_SITE)
    return value


def record(
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    sensitive: Iterable[str] = (),
    reason: str = "",
    object_ref: str = "",
    site_id: int | None = None,
    sites: Iterable[int] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    entry = Entry(action, obj, changes, sensitive, reason, object_ref, site_id, sites)
    return record_many(actor, [entry])[0]


def record_many(actor: Actor | None, entries: list[Entry]) -> list[AuditEvent]:
    """Append events in order, in one locked step (bulk registrations and imports)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    drafts = [_draft(user, now, e) for e in entries]
    held = getattr(connection, _HELD, None)
    if held is not None:
        return held.add(drafts)
    return _append(drafts)


@dataclass
class _Draft:
    """An event before its place in the chain (seq, previous hash, hash) is known."""

    event: AuditEvent
    sites: list[int]  # every site, when it concerns several (EventSite rows, hashed)


def _draft(user, now, e: Entry) -> _Draft:
    sites = sites_of(e)
    event = AuditEvent(
        at=now,
        actor=user,
        actor_username=user.get_username() if user else "system",
        action=e.action,
        object_type=e.obj._meta.label_lower if e.obj is not None else "",
        object_id=str(e.obj.pk) if e.obj is not None else "",
        object_ref=e.object_ref or str(getattr(e.obj, "reference", "") or ""),
        site_id=sites[0] if len(sites) == 1 else None,
        changes=_canonical(mask(e.changes or {}, e.sensitive)),
        reason=e.reason,
    )
    return _Draft(event, sites if len(sites) > 1 else [])


def _append(drafts: list[_Draft]) -> list[AuditEvent]:
    """Chain the drafts after the head and write them, the head with them."""
    events, links = [], []
    seq, prev_hash = _locked_head()  # from here to the commit, every other writer waits
    for draft in drafts:
        seq += 1
        event = draft.event
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = event_digest(hashed_fields(event, draft.sites), event.prev_hash)
        events.append(event)
        links += [EventSite(seq=seq, site_id=site) for site in draft.sites]
    if not events:
        return events
    if len(events) == 1:
        _insert_one(events[0])
    else:
        _insert_many(events)
    if links:
        EventSite.objects.bulk_create(links, batch_size=2000)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(f"UPDATE {HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1", [seq, prev_hash])  # noqa: S608
    _checkpoint_on_commit((seq, prev_hash))
    return events


# --- holding the chain for a block of one transaction ------------------------------------------

_HELD = "asylon_audit_held_chain"  # the connection's attribute while a block holds the chain


@dataclass(eq=False)
class _Recorded:
    """The drafts of one `record_many` call inside a held block. Registered with the
    transaction's on-commit callbacks only so that Django drops it, as it drops any callback,
    when the savepoint it was recorded in is rolled back: its events then vanish with the
    changes they describe. Calling it does nothing; the block removes it before the commit."""

    drafts: list[_Draft]

    def __call__(self) -> None:
        pass


@dataclass
class _Held:
    depth: int  # the atomic blocks open when the hold began; it must end inside them
    recorded: list[_Recorded] = field(default_factory=list)

    def add(self, drafts: list[_Draft]) -> list[AuditEvent]:
        batch = _Recorded(drafts)
        transaction.on_commit(batch)
        self.recorded.append(batch)
        return [d.event for d in drafts]  # seq and hash are set when the block ends


@contextmanager
def held_chain() -> Iterator[None]:
    """Within one transaction, hold the chain's head for the block and append every event
    recorded inside it in one write when it ends: the same events in the same order, each
    with its own moment, actor and sites, chained with the same hashes as if written one by
    one. For long runs of services in one transaction (the demo's seeding).

    What it requires, and checks: it runs inside an atomic block, which it must end within
    (so the events are written before that transaction commits). Events recorded in a
    savepoint that is rolled back are dropped with it. An exception leaving the block drops
    them all and marks the atomic block it began in for rollback, so that no change whose
    event was dropped can commit, even if a caller catches the exception. What it cannot
    check: nothing inside may read the trail, whose new events are not in the table before
    the block ends, and the events `record` returns have their seq and hash only then. A
    block inside another is part of the outer one."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.held_chain must be used inside a transaction")
    if getattr(connection, _HELD, None) is not None:
        yield
        return
    _locked_head()  # the head is held from here, as the first event would hold it
    held = _Held(depth=len(connection.atomic_blocks))
    setattr(connection, _HELD, held)
    try:
        yield
    except BaseException:
        if connection.in_atomic_block:
            transaction.set_rollback(True)  # the changes go the way of their events
        raise
    finally:
        setattr(connection, _HELD, None)
        # What a rolled-back savepoint left of the block's calls, in the order they were made.
        mine = {id(batch) for batch in held.recorded}
        kept = [func for _sids, func, _robust in connection.run_on_commit if id(func) in mine]
        connection.run_on_commit = [c for c in connection.run_on_commit if id(c[1]) not in mine]
    if len(connection.atomic_blocks) < held.depth:
        raise RuntimeError("audit.held_chain ended outside the transaction it began in")
    _append([draft for batch in kept for draft in batch.drafts])


_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _insert_one(event: AuditEvent) -> None:
    """One event, as `bulk_create` writes it (each field's own conversion), without compiling
    the ORM's INSERT: most writes append one event, and they do it while holding the head."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _EVENT_FIELDS)
    marks = ", ".join(["%s"] * len(_EVENT_FIELDS))
    sql = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {quote('id')}"  # noqa: S608
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _EVENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


def _insert_many(events: list[AuditEvent]) -> None:
    """Many events (a bulk registration, the demo's held block), each field converted as
    `bulk_create` converts it, in one prepared statement run for each. Their row ids are not
    read back: an event is known by its seq."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _EVENT_FIELDS)
    marks = ", ".join(["%s"] * len(_EVENT_FIELDS))
    sql = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [[f.get_db_prep_save(getattr(e, f.attname), connection) for f in _EVENT_FIELDS] for e in events]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _Checkpoint:
    """The checkpoint writer a transaction registers once, with the heads its appends wrote."""

    def __init__(self, head: tuple[int, str]) -> None:
        self.heads = [head]
        self.__qualname__ = "audit checkpoint"  # Django names a failed on-commit call by it

    def __call__(self) -> None:
        # One append: its head is the committed one (a rolled-back savepoint would have
        # dropped this writer with it). Several: one may have been rolled back, read it.
        checkpoints.write_checkpoint(self.heads[0] if len(self.heads) == 1 else None)


def _checkpoint_on_commit(head: tuple[int, str]) -> None:
    """One checkpoint per committed transaction, however many events it appended: register
    the writer once (a rolled-back savepoint drops it with its events, so look again)."""
    pending = transaction.get_connection().run_on_commit
    writer = next((func for _sids, func, _robust in pending if isinstance(func, _Checkpoint)), None)
    if writer is None:
        transaction.on_commit(_Checkpoint(head), robust=True)
    else:
        writer.heads.append(head)


HEAD = ChainHead._meta.db_table


def _locked_head() -> tuple[int, str]:
    """The chain's head (last seq and hash), locked until the transaction ends: writers form
    one line. Raw SQL, as the head's update: they run while every other writer waits."""
    connection = transaction.get_connection()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT last_seq, last_hash FROM {HEAD} WHERE id = 1{lock}"  # noqa: S608 - the model's own table
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            ChainHead.objects.get_or_create(pk=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return row[0], row[1]


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
