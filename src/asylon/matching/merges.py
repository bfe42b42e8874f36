"""Merging two records of one person, and undoing it.

Every row of every app that points to the merged person moves to the survivor; the links
are found from `Person`'s reverse relations, so an app added later is covered without a
change here. What moved is listed in the `Merge` row, so undoing restores exactly. A row
that cannot move (the survivor already has its twin: same incident, same roll call, same
specific need) stays with the merged record and is listed as kept. Two rules are
special: the merged record's current household membership is ended (one current
household per person), and the sensitive profile is one-to-one, so the survivor's empty
sensitive fields are filled from the merged record's, never overwritten.
"""

from __future__ import annotations

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import ForeignKey, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import Conflict, InvalidInput
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import Membership, Person, Presence, SensitiveProfile

from .keys import refresh_keys
from .models import CandidateStatus, DuplicateCandidate, Merge, PersonAlias
from .record_kinds import record_kind

__all__ = ["merge_persons", "person_links", "unmerge", "what_moves", "what_moves_in_words"]

# Relations that are derived from the person (kept by this app) or handled by a rule above.
_SKIP_APPS = {"matching"}


def person_links() -> list[ForeignKey]:
    """Every foreign key (of any app) that points to Person, including hidden ones."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in _SKIP_APPS:
            continue
        for f in model._meta.get_fields():
            if isinstance(f, ForeignKey) and f.related_model is Person and not f.one_to_one:
                found.append(f)
    return found


def _linked(merged: Person) -> dict[type[Model], int]:
    """The models whose rows point to `merged`, and how many rows each."""
    counts: dict[type[Model], int] = {}
    for f in person_links():
        n = f.model._base_manager.filter(**{f.attname: merged.pk}).count()
        if n:
            counts[f.model] = counts.get(f.model, 0) + n
    return counts


def what_moves(merged: Person) -> list[tuple[str, int]]:
    """For the API's preview: the kinds of record that point to `merged` (Django's names, a
    stable key), and how many (each moves to the survivor, or stays listed as kept when the
    survivor has its twin)."""
    return sorted((str(model._meta.verbose_name_plural), n) for model, n in _linked(merged).items())


def what_moves_in_words(merged: Person) -> list[tuple[str, int]]:
    """The same for the confirmation page, each kind in the reader's words."""
    return sorted((record_kind(model), n) for model, n in _linked(merged).items())


def _label(f: ForeignKey) -> str:
    return f"{f.model._meta.label_lower}.{f.name}"


def _field(label: str) -> ForeignKey:
    model_label, _dot, name = label.rpartition(".")
    field = apps.get_model(model_label)._meta.get_field(name)
    assert isinstance(field, ForeignKey)
    return field


@transaction.atomic
def merge_persons(*, actor: Actor, survivor: Person, merged: Person, reason: str) -> Merge:
    """Merge `merged` into `survivor`: one person, one reference; the other reference resolves."""
    ensure(actor, "matching.merge_person", survivor)
    ensure(actor, "matching.merge_person", merged)
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("A merge needs a reason.")]})
    if survivor.pk == merged.pk:
        raise InvalidInput({"merged": [_("A record cannot be merged into itself.")]})
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if Presence.MERGED in (survivor.presence, merged.presence):
        raise Conflict(_("One of these records is already merged into another."), code="already_merged")
    moves: dict = {"moved": [], "kept": [], "ended": [], "filled": {}, "presence": merged.presence}
    # One current household: the merged record's membership ends today.
    for m in Membership.objects.select_for_update().filter(person=merged, ended_on__isnull=True):
        if Membership.objects.filter(person=survivor, ended_on__isnull=True).exists():
            m.ended_on = max(today(), m.started_on)
            m.save(update_fields=["ended_on"])
            moves["ended"].append(m.pk)
    for f in person_links():
        model = f.model
        for pk in list(model._base_manager.filter(**{f.attname: merged.pk}).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{f.attname: survivor.pk})
            except IntegrityError:
                moves["kept"].append([_label(f), pk])
            else:
                moves["moved"].append([_label(f), pk])
    moves["filled"] = _fill_sensitive(survivor, merged)
    merged.presence = Presence.MERGED
    merged.save(update_fields=["presence", "updated_at"])
    merge = Merge.objects.create(survivor=survivor, merged=merged, reason=reason.strip(), merged_by=actor, moves=moves)
    PersonAlias.objects.filter(reference=merged.reference).delete()
    PersonAlias.objects.create(reference=merged.reference, person=survivor, merge=merge)
    # Aliases that pointed to the merged record now point to the survivor.
    PersonAlias.objects.filter(person=merged).update(person=survivor)
    _close_candidates(actor, survivor, merged, CandidateStatus.MERGED)
    refresh_keys([merged])
    audit.record(
        actor,
        "person.merged",
        survivor,
        changes={
            "merged": merged.reference,
            "moved": len(moves["moved"]),
            "kept": len(moves["kept"]),
            "memberships_ended": len(moves["ended"]),
            "sensitive_filled": sorted(moves["filled"]),
        },
        sensitive=[],
        reason=reason.strip(),
    )
    return merge


def _fill_sensitive(survivor: Person, merged: Person) -> dict:
    """Fill the survivor's empty sensitive fields from the merged record's; return what was filled."""
    theirs = SensitiveProfile.objects.filter(person=merged).first()
    if theirs is None:
        return {}
    ours, _created = SensitiveProfile.objects.select_for_update().get_or_create(person=survivor)
    filled = {}
    for name in SensitiveProfile.FIELDS:
        mine, other = getattr(ours, name), getattr(theirs, name)
        if mine in (None, "") and other not in (None, ""):
            filled[name] = mine
            setattr(ours, name, other)
    if filled:
        ours.save()
    return filled


def _close_candidates(actor: Actor, survivor: Person, merged: Person, status: str) -> None:
    a, b = sorted((survivor.pk, merged.pk))
    DuplicateCandidate.objects.filter(person_a_id=a, person_b_id=b, status=CandidateStatus.OPEN).update(
        status=status, decided_by=actor, decided_at=timezone.now()
    )


@transaction.atomic
def unmerge(*, actor: Actor, merge: Merge, reason: str) -> Merge:
    """Undo a merge: every moved row goes back, the record and its reference come back."""
    ensure(actor, "matching.unmerge_person", merge.survivor)
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Undoing a merge needs a reason.")]})
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise Conflict(_("This merge was already undone."), code="merge_undone")
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    moves = merge.moves
    for label, pk in moves.get("moved", []):
        f = _field(label)
        f.model._base_manager.filter(pk=pk, **{f.attname: survivor.pk}).update(**{f.attname: merged.pk})
    for pk in moves.get("ended", []):
        Membership.objects.filter(pk=pk).update(ended_on=None)
    filled = moves.get("filled", {})
    if filled:
        profile = SensitiveProfile.objects.select_for_update().get(person=survivor)
        for name, before in filled.items():
            setattr(profile, name, before)
        profile.save()
    merged.presence = moves.get("presence") or Presence.PRESENT
    merged.save(update_fields=["presence", "updated_at"])
    PersonAlias.objects.filter(merge=merge).delete()
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason.strip()
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    a, b = sorted((survivor.pk, merged.pk))
    DuplicateCandidate.objects.filter(person_a_id=a, person_b_id=b, status=CandidateStatus.MERGED).update(
        status=CandidateStatus.OPEN, decided_by=None, decided_at=None
    )
    refresh_keys([merged])
    audit.record(
        actor,
        "person.unmerged",
        survivor,
        changes={"merged": merged.reference, "restored": len(moves.get("moved", []))},
        reason=reason.strip(),
    )
    return merge
