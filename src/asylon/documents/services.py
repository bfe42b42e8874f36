"""Issuing, reissuing and withdrawing protection documents: the only writer of their state.

Every service is keyword-only, takes the actor first, and locks → checks → writes → audits in
one transaction (STYLE.md 2). A paper attests a legal status; when the register no longer
bears it out (the status was revoked, ceased or cancelled, the person departed or died, the
household changed), the paper is withdrawn: `withdraw_invalidated` finds every such paper and
runs before anything reads the list of withdrawn papers, so that the list a checkpoint syncs
is never behind the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Person
from asylon.registry.photos import current_photo
from asylon.registry.queries import current_household
from asylon.registry.references import next_reference
from asylon.status.models import LegalStatus
from asylon.status.queries import statuses_on

from . import signing
from .models import DocumentKind, DocumentState, ProtectionDocument

# How long a paper is valid when the issuer does not say: short for the certificate of a claim
# still being decided, longer for an attestation of recognition (renewal is a visit to the desk).
DEFAULT_VALIDITY_DAYS = {
    DocumentKind.ASYLUM_SEEKER_CERTIFICATE: 183,
    DocumentKind.REFUGEE_ATTESTATION: 730,
    DocumentKind.HOUSEHOLD_SLIP: 365,
}
MAX_VALIDITY_DAYS = 1095
# The status a kind of paper attests; a household slip attests registration, whatever the status,
# as long as the person is still here.
ATTESTS = {
    DocumentKind.ASYLUM_SEEKER_CERTIFICATE: {LegalStatus.ASYLUM_SEEKER},
    DocumentKind.REFUGEE_ATTESTATION: {LegalStatus.REFUGEE},
}
GONE = {
    LegalStatus.DEPARTED_RESETTLED,
    LegalStatus.DEPARTED_REPATRIATED,
    LegalStatus.DEPARTED_OTHER,
    LegalStatus.DECEASED,
}
LANGUAGES = ("en", "fa", "ar")
# Reasons the system writes itself, stored as codes and read in the reader's language
# (ProtectionDocument.end_reason_label).
REISSUED = "reissued"
REGISTER_SAYS = "register:"


@dataclass(frozen=True)
class Basis:
    """What the register says today that a paper of a kind may attest, or why it may not."""

    status: str
    basis: str = ""
    household: str = ""
    refusal: str = ""


def basis_for(person: Person, kind: str, on: date | None = None) -> Basis:
    snapshot = statuses_on([person.pk], on)[person.pk]
    status = snapshot.status or ""
    if status in GONE:
        return Basis(status, refusal=_("The person is recorded as %(status)s.") % {"status": LegalStatus(status).label})
    if kind == DocumentKind.HOUSEHOLD_SLIP:
        membership = current_household(person)
        if membership is None:
            return Basis(status, refusal=_("The person belongs to no household."))
        return Basis(status, household=membership.household.reference)
    if status not in ATTESTS[DocumentKind(kind)]:
        label = LegalStatus(status).label if status else _("no status")
        return Basis(
            status,
            refusal=_("A %(kind)s attests a status this person does not hold (now: %(status)s).")
            % {"kind": DocumentKind(kind).label, "status": label},
        )
    return Basis(status, basis=snapshot.determination_mode if kind == DocumentKind.REFUGEE_ATTESTATION else "")


def photo_digest(person: Person) -> str:
    """The SHA-256 of the person's current photo (`registry.photos`), or "" without one."""
    photo = current_photo(person)
    return photo.sha256 if photo else ""


def _payload(doc: ProtectionDocument) -> dict:
    return {
        "r": doc.reference,
        "k": doc.kind,
        "s": doc.attested_status,
        "b": doc.attested_basis,
        "h": doc.household.reference if doc.household_id and doc.household else "",
        "i": doc.issued_on.isoformat(),
        "v": doc.valid_until.isoformat(),
        "p": doc.photo_sha256[:16],
    }


def issue_document(
    *, actor: Actor, person: Person, kind: str, language: str = "en", valid_until: date | None = None
) -> ProtectionDocument:
    """Issue a paper; a valid paper of the same kind is superseded by it (a reissue)."""
    ensure(actor, "documents.add_protectiondocument", person)
    errors: dict[str, list[str]] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose a kind of document.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose English, Persian or Arabic.")]
    issued_on = today()
    if valid_until is not None and not issued_on < valid_until <= issued_on + timedelta(days=MAX_VALIDITY_DAYS):
        errors["valid_until"] = [_("A document is valid from tomorrow to at most three years from today.")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        basis = basis_for(person, kind)
        if basis.refusal:
            raise Conflict(basis.refusal, code="document_not_supported")
        previous = ProtectionDocument.objects.select_for_update().filter(
            person=person, kind=kind, state=DocumentState.VALID
        )
        old = list(previous)
        previous.update(state=DocumentState.SUPERSEDED, ended_at=timezone.now(), end_reason=REISSUED)
        membership = current_household(person) if kind == DocumentKind.HOUSEHOLD_SLIP else None
        key = signing.active_key()
        doc = ProtectionDocument(
            reference=next_reference(f"{person.site.code}-DOC"),
            kind=kind,
            person=person,
            household=membership.household if membership else None,
            site=person.site,
            attested_status=basis.status,
            attested_basis=basis.basis,
            language=language,
            issued_on=issued_on,
            valid_until=valid_until or issued_on + timedelta(days=DEFAULT_VALIDITY_DAYS[DocumentKind(kind)]),
            photo_sha256=photo_digest(person),
            key=key,
            issued_by=actor,
        )
        doc.statement = signing.sign(_payload(doc), key)
        doc.save()
        ProtectionDocument.objects.filter(pk__in=[d.pk for d in old]).update(superseded_by=doc)
        audit.record(
            actor,
            "document.issued",
            doc,
            changes={
                "kind": kind,
                "person": person.reference,
                "valid_until": doc.valid_until.isoformat(),
                "supersedes": [d.reference for d in old],
                "key": key.key_id,
            },
        )
    return doc


def withdraw_document(*, actor: Actor, document: ProtectionDocument, reason: str) -> ProtectionDocument:
    ensure(actor, "documents.withdraw_protectiondocument", document)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Say why the document is withdrawn.")]})
    with transaction.atomic():
        doc = ProtectionDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state != DocumentState.VALID:
            raise Conflict(
                _("This document is already %(state)s.") % {"state": doc.get_state_display()}, code="document_not_valid"
            )
        doc.state, doc.ended_at, doc.end_reason = DocumentState.WITHDRAWN, timezone.now(), reason
        doc.save(update_fields=["state", "ended_at", "end_reason"])
        audit.record(actor, "document.withdrawn", doc, reason=reason)
    return doc


def withdraw_invalidated(on: date | None = None) -> list[ProtectionDocument]:
    """Withdraw every valid paper the register no longer bears out (a status revoked, ceased or
    cancelled, a departure or a death, a change of household). Idempotent; audited as the
    system, with the reason on each."""
    valid = list(ProtectionDocument.objects.filter(state=DocumentState.VALID).select_related("person", "household"))
    if not valid:
        return []
    statuses = statuses_on([d.person_id for d in valid], on)
    stale: list[tuple[ProtectionDocument, str]] = []
    for doc in valid:
        status = statuses[doc.person_id].status or ""
        if status in GONE or (doc.kind != DocumentKind.HOUSEHOLD_SLIP and status != doc.attested_status):
            stale.append((doc, f"{REGISTER_SAYS}{status}"))
        elif doc.kind == DocumentKind.HOUSEHOLD_SLIP:
            membership = current_household(doc.person)
            if membership is None or membership.household_id != doc.household_id:
                stale.append((doc, f"{REGISTER_SAYS}household"))
    with transaction.atomic():
        ended = []
        for doc, why in stale:
            updated = ProtectionDocument.objects.filter(pk=doc.pk, state=DocumentState.VALID).update(
                state=DocumentState.WITHDRAWN, ended_at=timezone.now(), end_reason=why
            )
            if updated:
                doc.state = DocumentState.WITHDRAWN
                audit.record(None, "document.withdrawn", doc, reason=why)
                ended.append(doc)
    return ended


def revocation_list() -> dict:
    """What a checkpoint's phone syncs: every paper that is no longer valid, by reference, with the
    day it ended. Holds no names; brought up to date with the register first."""
    withdraw_invalidated()
    rows = ProtectionDocument.objects.exclude(state=DocumentState.VALID).values_list("reference", "state", "ended_at")
    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "documents": {
            ref: {"state": state, "on": ended.date().isoformat() if ended else ""} for ref, state, ended in rows
        },
    }


@dataclass(frozen=True)
class Verdict:
    """What a verifier reads: `valid`, `withdrawn`, `superseded`, `expired`, `forged` or `unknown`."""

    verdict: str
    reason: str
    payload: dict


def verify(statement: str, *, on: date | None = None, record_by=None) -> Verdict:
    """Check a statement's signature against the published keys, then the register's word on the
    paper. `record_by` (the site's verification, page or API) leaves an audit event."""
    checked = signing.check(statement, signing.published_keys())
    verdict = _verdict(checked, on or today())
    if record_by is not None:
        with transaction.atomic():
            audit.record(
                record_by,
                "document.verified",
                None,
                object_ref=checked.payload.get("r", ""),
                changes={"verdict": verdict.verdict},
            )
    return verdict


def _verdict(checked: signing.Checked, on: date) -> Verdict:
    if not checked.authentic:
        return Verdict("forged" if checked.payload else "unknown", checked.problem, checked.payload)
    withdraw_invalidated()
    doc = ProtectionDocument.objects.filter(reference=checked.payload.get("r")).first()
    if doc is None:
        return Verdict("unknown", "no such document in the register", checked.payload)
    if doc.state != DocumentState.VALID:
        return Verdict(doc.state.lower(), doc.end_reason_label, checked.payload)
    if date.fromisoformat(checked.payload["v"]) < on:
        return Verdict("expired", "past its last valid day", checked.payload)
    return Verdict("valid", "", checked.payload)
