"""Protection documents: the papers a resident carries, and the keys that sign them.

A document's printed QR code carries a signed statement (`signing.py`): the reference, the
kind, the status it attests, the validity and a hash of the photo, never a sensitive field.
The private signing keys are never in the database (they live in ASYLON_KEY_DIR, apart from
the data and from its backups); only their public halves are, so that every document ever
issued can still be checked after a key is rotated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asylon.registry.models import Household, Person, Site
from asylon.status.models import DeterminationMode, LegalStatus


class SigningKey(models.Model):
    """The public half of a document-signing key. The newest key not retired signs."""

    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64, help_text=_("Ed25519 public key, base64url"))
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.key_id


class DocumentKind(models.TextChoices):
    ASYLUM_SEEKER_CERTIFICATE = "ASC", _("asylum-seeker certificate")
    REFUGEE_ATTESTATION = "RA", _("refugee attestation")
    HOUSEHOLD_SLIP = "HS", _("household registration slip")


class DocumentState(models.TextChoices):
    VALID = "VALID", _("valid")
    WITHDRAWN = "WITHDRAWN", _("withdrawn")
    SUPERSEDED = "SUPERSEDED", _("superseded")


class ProtectionDocument(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=3, choices=DocumentKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # What the paper attests, as it was when issued (the statement signs these values).
    attested_status = models.CharField(max_length=30)
    attested_basis = models.CharField(max_length=30, blank=True)  # individual / prima facie
    language = models.CharField(max_length=5)
    issued_on = models.DateField()
    valid_until = models.DateField()
    photo_sha256 = models.CharField(max_length=64, blank=True)
    statement = models.TextField(help_text=_("the signed text the QR code carries"))
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=DocumentState.choices, default=DocumentState.VALID)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        permissions = [("withdraw_protectiondocument", "Can withdraw a protection document")]
        constraints = [
            # One valid paper of a kind per person: reissuing supersedes the one before.
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(state="VALID"), name="one_valid_document_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(state="VALID", ended_at__isnull=True) | (~Q(state="VALID") & Q(ended_at__isnull=False)),
                name="document_ended_when_not_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def end_reason_label(self) -> str:
        """Why the paper ended, in the reader's language when the system wrote the reason."""
        if self.end_reason == "reissued":
            return str(_("replaced by a newer paper"))
        if self.end_reason.startswith("register:"):
            code = self.end_reason.removeprefix("register:")
            if code == "household":
                return str(_("the household changed"))
            now = LegalStatus(code).label if code in LegalStatus.values else _("no status")
            return str(_("the register now records: %(status)s") % {"status": now})
        return self.end_reason

    @property
    def status_label(self) -> str:
        """The status the paper attests, in the reader's language (with its basis for a refugee)."""
        label = str(LegalStatus(self.attested_status).label) if self.attested_status else ""
        if self.attested_basis:
            label += f" · {DeterminationMode(self.attested_basis).label}"
        return label
