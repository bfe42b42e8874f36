"""Residents' photos: the only writer of `PersonPhoto`, and the one audited way to read one back.

Called by the person page (`registry/views.py`), the API (`registry/api.py`) and the printed
papers (`documents/services.photo_digest`, `documents/pdf.py`). It guarantees:

* a photo's bytes are JPEG, PNG or WebP as their first bytes prove (a renamed .exe or .txt is
  refused), at most ASYLON_PHOTO_MAX_BYTES (5 MB unless set), stored content-addressed under
  MEDIA_ROOT/photos like incident evidence (`core/files.py`);
* a new photo replaces the current one and the old row stays (who took it, when, its hash),
  so papers issued with the old hash can still be traced; each upload is audited with its hash;
* every read of the bytes for a person (`open_photo`) is audited, for whoever reads.

Who may see: the person's own readers (`queries.persons_for`: staff of the person's site, a
partner only for a person shared with it). A partner's read is also a release: the edge calls
`movements.sharing.guard_read` with the field "photo" before `open_photo`, as it does for every
other field (D3-D6). The paper (`photo_bytes`) reads the file for the issuer of that paper,
whose issuing is itself audited.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from asylon.audit import services as audit
from asylon.core import files
from asylon.core.errors import Conflict, InvalidInput, NotFound
from asylon.core.scope import ensure
from asylon.core.types import Actor

from .models import Person, PersonPhoto
from .queries import persons_for

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# What a partner's read of the photo releases (D3-D6): the photo is a field like the others.
PHOTO_FIELDS = ("reference", "photo")
STORE = files.FileStore(
    folder="photos",
    accepted=frozenset({"image/jpeg", "image/png", "image/webp"}),
    accepted_names="JPEG, PNG, WebP",
    limit_setting="ASYLON_PHOTO_MAX_BYTES",
    default_limit=DEFAULT_MAX_BYTES,
)


def current_photo(person: Person) -> PersonPhoto | None:
    """The person's current photo row (no bytes read, nothing audited), or None."""
    return PersonPhoto.objects.filter(person=person, current=True).first()


def set_photo(*, actor: Actor, person: Person, file: files.Readable | None, name: str | None = "") -> PersonPhoto:
    """Take a new photo of the person: store it, make it current, keep the old one. Audited."""
    ensure(actor, "registry.change_person", person)
    if file is None:
        raise InvalidInput({"file": [_("Choose a photo or take one with the camera.")]})
    stored = STORE.store(file, name or "photo")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        old = current_photo(person)
        if old is not None and old.sha256 == stored.sha256:
            return old  # the same photo again: nothing changes
        if old is not None:
            PersonPhoto.objects.filter(pk=old.pk).update(current=False)
        photo = PersonPhoto.objects.create(
            person=person,
            sha256=stored.sha256,
            content_type=stored.content_type,
            size=stored.size,
            current=True,
            uploaded_by=actor,
        )
        audit.record(
            actor,
            "person.photo_uploaded",
            person,
            changes={
                "sha256": stored.sha256,
                "content_type": stored.content_type,
                "size": stored.size,
                "replaces": old.sha256 if old else "",
            },
        )
    return photo


def _checked(photo: PersonPhoto) -> BinaryIO:
    path = STORE.path_of(photo.sha256)
    if not path.exists():
        raise NotFound(_("The file of this photo is missing from the store."))
    if files.checksum(path) != photo.sha256:
        raise Conflict(_("The file of this photo has changed since it was taken."), code="photo_changed")
    return open(path, "rb")  # noqa: SIM115 - the response closes it


def open_photo(*, actor: Actor, person: Person) -> tuple[PersonPhoto, BinaryIO]:
    """The person's current photo and its open file, for a reader who may see the person.
    Audited on each read; NotFound when the person is not the reader's or has no photo."""
    if not persons_for(actor).filter(pk=person.pk).exists():
        raise NotFound(_("No such person."))
    photo = current_photo(person)
    if photo is None:
        raise NotFound(_("No photo of this person is on file."))
    fh = _checked(photo)
    with transaction.atomic():
        audit.record(actor, "person.photo_viewed", person, changes={"sha256": photo.sha256})
    return photo, fh


def photo_bytes(person: Person, sha256: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of the person's photo with this hash, current or replaced since,
    for the printed paper that attests it; None when there is none. The caller (`documents`)
    has already checked its actor may see the paper."""
    photo = PersonPhoto.objects.filter(person=person, sha256=sha256).first() if sha256 else None
    if photo is None:
        return None
    with _checked(photo) as fh:
        return photo.content_type, fh.read()
