"""The records of the data-sharing guard (DOMAIN.md section 8, D1-D6): who may receive
personal data, under which agreement, which persons a resettlement country may see, and
every release made.

Only `sharing.services` (recipients, agreements, grants) and `sharing.guard` (releases)
write here. Disclosures are append-only.

The tables were made by the movements app and keep its names (`Meta.db_table`): moving the
models here changed no table (migrations sharing 0001 and movements 0004 move the state
only). Their permissions keep their published names too (`movements.manage_recipients`,
`movements.view_recipient`...): the role table, the API's route guards and every account's
grants name them, so they are declared on `movements.Movement`, and these models declare
none of Django's default ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.movements.models import AppendOnly, CountryAuthority
from asylon.registry.models import Person

USER = settings.AUTH_USER_MODEL


class RecipientKind(models.TextChoices):
    """The safeguards' RecipientKind, as database choices (kept equal by a test)."""

    UN_AGENCY = "UN_AGENCY", _("UN agency")
    RESETTLEMENT_COUNTRY = "RESETTLEMENT_COUNTRY", _("resettlement country")
    HOST_AUTHORITY = "HOST_AUTHORITY", _("host authority (under an agreement)")
    COUNTRY_OF_ORIGIN_AUTHORITY = "COUNTRY_OF_ORIGIN_AUTHORITY", _("country-of-origin authority")
    ALLEGED_PERSECUTOR = "ALLEGED_PERSECUTOR", _("alleged persecutor")
    NGO = "NGO", _("NGO")


class Recipient(models.Model):
    """Someone outside the operation who may receive personal data. Partner users (e.g. a
    resettlement country's delegation) are linked here; everything they read is a release."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=28, choices=RecipientKind.choices)
    country = CountryField(blank=True, help_text=_("The state behind the recipient, if any"))
    acts_for = models.ForeignKey(
        CountryAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="recipients"
    )
    users = models.ManyToManyField(USER, blank=True, related_name="recipients")  # type: ignore[var-annotated]
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        db_table = "movements_recipient"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="RESETTLEMENT_COUNTRY") | ~Q(country=""), name="resettlement_recipient_has_country"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SharingAgreement(models.Model):
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(max_length=100)
    purpose = models.CharField(max_length=200)
    fields = models.JSONField(default=list, help_text=_("The fields the agreement covers, no more"))
    non_refoulement_undertaking = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        db_table = "movements_sharingagreement"
        ordering = ["recipient", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_dates",
            )
        ]


class SharingGrant(models.Model):
    """D3: a resettlement country may see a person because the person's case was submitted
    to it. Created at submission, expired at closure (by the resettlement app)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sharing_grants")
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=100, blank=True, help_text=_("e.g. solutions.submission:12"))
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        db_table = "movements_sharinggrant"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "person"], condition=Q(expires_at__isnull=True), name="one_open_grant"
            )
        ]
        indexes = [models.Index(fields=["recipient", "expires_at"])]


class Disclosure(AppendOnly):
    """D6: one row per release of personal data: who received what, why, on what basis."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="disclosures")
    rule = models.CharField(max_length=4)
    legal_basis = models.CharField(max_length=300)
    purpose = models.CharField(max_length=200)
    fields = models.JSONField(default=list)
    person_count = models.PositiveIntegerField()
    person_refs = models.JSONField(default=list)
    channel = models.CharField(max_length=60, help_text=_("e.g. api:GET /persons/{reference}"))
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        db_table = "movements_disclosure"
        ordering = ["-at", "-pk"]
