"""Acts that change many persons' status or a site's standing at once: group (prima facie)
declarations and their revocation, and site designation acts and theirs.

A declaration applies refugee status to every person its criteria select (`criteria`), in
one INSERT ... SELECT under the site's row lock, then lists the persons it passed by (only
they are classified a second time), and writes one audit event naming the count and a
digest of the persons; each person's own history is their status entries, which point
to the declaration. A revocation marks exactly those entries reverted, never deletes them.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core import jobs
from asylon.core.bulk import insert_select
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.models import Job
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Site, SiteDesignation

from .criteria import Criteria, check_criteria, eligible_ids, matching_persons, passed_by
from .entries import BATCH
from .inputs import one_of, required_text
from .models import (
    DeterminationMode,
    GroupDeclaration,
    LegalBasis,
    LegalStatus,
    RecognisedBy,
    SiteDesignationAct,
    StatusEntry,
)


def _check_declaration(
    actor: Actor, criteria: Criteria, effective_on, legal_basis, recognised_by, legal_basis_text
) -> None:
    ensure(actor, "status.add_groupdeclaration", criteria.site)
    errors: dict[str, list[str]] = {}
    check_criteria(actor, criteria, errors)
    one_of({"legal_basis": legal_basis}, "legal_basis", LegalBasis, errors)
    one_of({"recognised_by": recognised_by}, "recognised_by", RecognisedBy, errors)
    required_text({"legal_basis_text": legal_basis_text}, "legal_basis_text", errors, _("Quote the legal basis."))
    if effective_on > today():
        errors.setdefault("effective_on", []).append(_("The date is in the future."))
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def declare_group(
    *,
    actor: Actor,
    criteria: Criteria,
    effective_on: date,
    legal_basis: str,
    recognised_by: str,
    legal_basis_text: str,
) -> GroupDeclaration:
    """Declare a group prima facie and apply refugee status to every matching person, in
    one transaction; anyone already decided or under exclusion review is skipped and listed."""
    _check_declaration(actor, criteria, effective_on, legal_basis, recognised_by, legal_basis_text)
    # One declaration at a time per site: the site row is the lock.
    Site.objects.select_for_update().get(pk=criteria.site.pk)
    now = timezone.now()
    declaration = GroupDeclaration.objects.create(
        site=criteria.site,
        nationality=criteria.nationality,
        cutoff_kind=criteria.cutoff_kind,
        cutoff_date=criteria.cutoff_date,
        ethnicity=criteria.ethnicity.strip(),
        effective_on=effective_on,
        legal_basis=legal_basis,
        recognised_by=recognised_by,
        legal_basis_text=legal_basis_text.strip(),
        declared_by=actor,
        declared_at=now,
        applied_count=0,
        skipped=[],
    )
    # One INSERT ... SELECT: the eligible persons never leave the database. The site lock
    # above keeps the selection from changing under it.
    applied = insert_select(
        StatusEntry,
        eligible_ids(criteria),
        "person",
        {
            "status": LegalStatus.REFUGEE,
            "effective_on": effective_on,
            "recognised_by": recognised_by,
            "determination_mode": DeterminationMode.PRIMA_FACIE_GROUP,
            "legal_basis": legal_basis,
            "declaration": declaration,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    # Who was passed by, and why, is read after the INSERT: only they are classified again.
    skipped = passed_by(criteria, declaration.pk)
    declaration.applied_count, declaration.skipped = applied, skipped
    declaration.save(update_fields=["applied_count", "skipped"])
    audit.record(
        actor,
        "group_declaration.confirmed",
        declaration,
        changes={
            "nationality": criteria.nationality,
            "cutoff": [criteria.cutoff_kind, criteria.cutoff_date],
            "ethnicity": criteria.ethnicity,
            "effective_on": effective_on,
            "legal_basis": legal_basis,
            "recognised_by": recognised_by,
            "applied": applied,
            "skipped": len(skipped),
            "persons_digest": _persons_digest(StatusEntry.objects.filter(declaration=declaration)),
        },
        sensitive=["ethnicity"] if criteria.ethnicity else [],
    )
    return declaration


def _check_revocation(actor: Actor, declaration: GroupDeclaration, reason: str) -> None:
    ensure(actor, "status.revoke_groupdeclaration", declaration)
    if declaration.revoked_at is not None:
        raise Conflict(_("This declaration is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("A revocation needs a reason.")]})


@transaction.atomic
def revoke_group_declaration(*, actor: Actor, declaration: GroupDeclaration, reason: str) -> GroupDeclaration:
    """Revoke a declaration: exactly the entries it created are marked reverted (not deleted)."""
    declaration = GroupDeclaration.objects.select_for_update().get(pk=declaration.pk)
    _check_revocation(actor, declaration, reason)
    now = timezone.now()
    reverted = StatusEntry.objects.filter(declaration=declaration, reverted_at__isnull=True).update(
        reverted_at=now, reverted_by=declaration
    )
    declaration.revoked_at, declaration.revoked_by, declaration.revoke_reason = now, actor, reason.strip()
    declaration.reverted_count = reverted
    digest = _persons_digest(StatusEntry.objects.filter(declaration=declaration, reverted_at=now))
    declaration.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "reverted_count"])
    audit.record(
        actor,
        "group_declaration.revoked",
        declaration,
        changes={"reverted": reverted, "persons_digest": digest},
        reason=reason.strip(),
    )
    return declaration


def _persons_digest(entries) -> str:
    """SHA-256 over the sorted ids of the persons whose entries an act wrote or reverted: the
    one audit event of a group act names its count and this, and each person's own history
    is their status entries, which point to the declaration.

    On PostgreSQL the database computes it (the ids never leave it); elsewhere the ids are
    streamed in chunks. Both hash the same bytes, "id," for each id in ascending order
    (tests/status/test_group_declarations.py, on both databases)."""
    ids = entries.order_by().values("person_id")
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT encode(sha256(convert_to(coalesce(string_agg(sub.person_id::text || ',', '' "  # noqa: S608
                f"ORDER BY sub.person_id), ''), 'UTF8')), 'hex') FROM ({sql}) AS sub",
                params,
            )
            return cursor.fetchone()[0]
    # A plain cursor, a chunk at a time: no model rows, one bytes string per chunk.
    sql, params = ids.order_by("person_id").values_list("person_id").query.sql_with_params()
    h = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(BATCH):
            h.update(b"".join(b"%d," % pid for (pid,) in chunk))
    return h.hexdigest()


# --- over large groups: on the queue, after the confirmation ------------------------------

# Above this many persons, a confirmed declaration (or its revocation) runs as a job
# (`core/jobs.py`, `status.tasks`): the same service, one transaction, its page shows it.
QUEUE_ABOVE = 5000


def large_group(criteria: Criteria) -> bool:
    return matching_persons(criteria).count() > QUEUE_ABOVE


def start_declaration(
    *,
    actor: Actor,
    criteria: Criteria,
    effective_on: date,
    legal_basis: str,
    recognised_by: str,
    legal_basis_text: str,
    back: str = "",
) -> Job:
    """Check a confirmed declaration as `declare_group` would, then record it as a job."""
    _check_declaration(actor, criteria, effective_on, legal_basis, recognised_by, legal_basis_text)
    from .tasks import declare_group_job

    params = {
        "site": criteria.site.pk,
        "nationality": criteria.nationality,
        "cutoff_kind": criteria.cutoff_kind,
        "cutoff_date": criteria.cutoff_date.isoformat(),
        "ethnicity": criteria.ethnicity,
        "effective_on": effective_on.isoformat(),
        "legal_basis": legal_basis,
        "recognised_by": recognised_by,
        "legal_basis_text": legal_basis_text,
        "back": back,
    }
    total = matching_persons(criteria).count()
    job = jobs.create(actor=actor, kind="group_declaration", params=params, site_code=criteria.site.code, total=total)
    jobs.enqueue(job, declare_group_job)
    return job


def declaration_work(job: Job, progress: jobs.Progress) -> dict:
    p = job.params
    criteria = Criteria(
        site=Site.objects.get(pk=p["site"]),
        nationality=p["nationality"],
        cutoff_kind=p["cutoff_kind"],
        cutoff_date=date.fromisoformat(p["cutoff_date"]),
        ethnicity=p["ethnicity"],
    )
    progress(0, job.total, _("applying the status"))
    declaration = declare_group(
        actor=job.actor,
        criteria=criteria,
        effective_on=date.fromisoformat(p["effective_on"]),
        legal_basis=p["legal_basis"],
        recognised_by=p["recognised_by"],
        legal_basis_text=p["legal_basis_text"],
    )
    applied = declaration.applied_count
    return {"declaration": declaration.pk, "applied": applied, "skipped": len(declaration.skipped), "done": applied}


def start_revocation(*, actor: Actor, declaration: GroupDeclaration, reason: str, back: str = "") -> Job:
    """Check a confirmed revocation as `revoke_group_declaration` would, then record it as a job."""
    _check_revocation(actor, declaration, reason)
    from .tasks import revoke_group_job

    params = {"declaration": declaration.pk, "reason": reason.strip(), "back": back}
    job = jobs.create(
        actor=actor,
        kind="group_revocation",
        params=params,
        site_code=declaration.site.code,
        total=declaration.applied_count,
    )
    jobs.enqueue(job, revoke_group_job)
    return job


def revocation_work(job: Job, progress: jobs.Progress) -> dict:
    declaration = GroupDeclaration.objects.get(pk=job.params["declaration"])
    progress(0, job.total, _("ending the statuses"))
    declaration = revoke_group_declaration(actor=job.actor, declaration=declaration, reason=job.params["reason"])
    return {"declaration": declaration.pk, "reverted": declaration.reverted_count, "done": declaration.reverted_count}


# --- site designation acts --------------------------------------------------------------


@transaction.atomic
def designate_site(
    *, actor: Actor, site: Site, designation: str, effective_on: date, legal_basis_text: str
) -> SiteDesignationAct:
    ensure(actor, "status.add_sitedesignationact", site)
    errors: dict[str, list[str]] = {}
    one_of({"designation": designation}, "designation", SiteDesignation, errors)
    required_text({"legal_basis_text": legal_basis_text}, "legal_basis_text", errors, _("Quote the legal basis."))
    if effective_on > today():
        errors.setdefault("effective_on", []).append(_("The date is in the future."))
    if errors:
        raise InvalidInput(errors)
    site = Site.objects.select_for_update().get(pk=site.pk)
    act = SiteDesignationAct.objects.create(
        site=site,
        designation=designation,
        effective_on=effective_on,
        legal_basis_text=legal_basis_text.strip(),
        previous_designation=site.designation,
        previous_designated_on=site.designated_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    changes = {"designation": [site.designation, designation], "designated_on": [site.designated_on, effective_on]}
    site.designation, site.designated_on = designation, effective_on
    site.save(update_fields=["designation", "designated_on", "updated_at"])
    audit.record(actor, "site.designated", site, changes={**changes, "act": act.pk})
    return act


@transaction.atomic
def revoke_site_designation(*, actor: Actor, act: SiteDesignationAct, reason: str) -> SiteDesignationAct:
    ensure(actor, "status.revoke_sitedesignationact", act)
    act = SiteDesignationAct.objects.select_for_update().get(pk=act.pk)
    if act.revoked_at is not None:
        raise Conflict(_("This act is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("A revocation needs a reason.")]})
    latest = SiteDesignationAct.objects.filter(site_id=act.site_id, revoked_at__isnull=True).order_by("-id").first()
    if latest is None or latest.pk != act.pk:
        raise Conflict(_("Only the site's latest designation act can be revoked."), code="not_latest_designation")
    site = Site.objects.select_for_update().get(pk=act.site_id)
    changes = {
        "designation": [site.designation, act.previous_designation],
        "designated_on": [site.designated_on, act.previous_designated_on],
        "act": act.pk,
    }
    site.designation, site.designated_on = act.previous_designation, act.previous_designated_on
    site.save(update_fields=["designation", "designated_on", "updated_at"])
    act.revoked_at, act.revoked_by, act.revoke_reason = timezone.now(), actor, reason.strip()
    act.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(actor, "site.designation_revoked", site, changes=changes, reason=reason.strip())
    return act
