"""Movements of persons out of a camp and the evidence the non-refoulement gate reads
(DOMAIN.md section 6). The records of data sharing are the `sharing` app's.

Only the movements' write modules (`gate`, `requests`, `risk_profile`, `reference_data`)
write here. A movement's `state` changes in exactly one module (`gate`: `_enter_state`,
`_new_movement`), and the database refuses any other change: a trigger lets the state move
only to the state named by the movement's latest allowed gate result (see migration 0002).
Gate results are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.registry.models import Location, Person, Site

USER = settings.AUTH_USER_MODEL


class AppendOnly(models.Model):
    """Rows written once: saving an existing row or deleting one is an error."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{self._meta.label} rows are append-only")


# --- risk profiles ----------------------------------------------------------------------


class RiskKind(models.TextChoices):
    PERSECUTION = "PERSECUTION", _("persecution (1951 Convention)")
    TORTURE = "TORTURE", _("torture (CAT art. 3)")
    ILL_TREATMENT = "ILL_TREATMENT", _("risk to life or of inhuman treatment (ICCPR 6/7)")


class RiskCountry(models.Model):
    """A country where the person faces a risk, beyond the implicit defaults (country of
    origin, nationality): those are never rows, so they can never be withdrawn."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_countries")
    country = CountryField()
    kind = models.CharField(max_length=14, choices=RiskKind.choices)
    reason = models.TextField()
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["person", "country", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "country", "kind"],
                condition=Q(withdrawn_on__isnull=True),
                name="risk_country_once_while_open",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="risk_country_has_reason"),
        ]
        permissions = [
            ("view_risk_profile", "Can see risk profiles and risk assessments"),
            ("manage_risk_profile", "Can record risk countries, risk assessments and art. 33(2) determinations"),
        ]


class RiskAssessment(models.Model):
    """A signed individual risk assessment for one destination (N2, N3). The latest one
    recorded for a person and country is the one the gate reads."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_assessments")
    country = CountryField()
    finds_no_substantial_grounds = models.BooleanField(
        help_text=_("No substantial grounds for believing the person would be in danger of torture there")
    )
    finds_no_real_risk = models.BooleanField(
        help_text=_("No real risk to life or of cruel, inhuman or degrading treatment there")
    )
    country_information = models.TextField()
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "country", "id"]
        constraints = [models.CheckConstraint(condition=~Q(country_information=""), name="assessment_names_sources")]


class Art332Determination(models.Model):
    """An art. 33(2) determination by a competent authority, after a final RSD decision."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="art_33_2_determinations")
    competent_authority = models.CharField(max_length=200)
    reference = models.CharField(max_length=100)
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(competent_authority="") & ~Q(reference=""), name="art332_authority_and_reference"
            )
        ]


# --- reference data, versioned with dates -------------------------------------------------


class OnwardReturnPolicy(models.Model):
    """`country` is known to send people of `nationality` (blank: of any nationality) on to
    `returns_to`. The basis of the chain-refoulement check (N6)."""

    country = CountryField()
    nationality = CountryField(blank=True)
    returns_to = CountryField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="onward_policy_dates",
            ),
            models.CheckConstraint(condition=~Q(country=models.F("returns_to")), name="onward_policy_two_countries"),
        ]
        indexes = [models.Index(fields=["nationality", "valid_from"])]
        permissions = [("manage_reference_data", "Can keep onward-return policies and country authorities")]


class AuthorityKind(models.TextChoices):
    AUTHORITY = "AUTHORITY", _("state authority")
    EMBASSY = "EMBASSY", _("embassy or consulate")
    PROXY = "PROXY", _("proxy or intermediary")


class CountryAuthority(models.Model):
    """An organisation that acts for a state. A recipient linked to one acts for that
    state, so D1 refuses it for every person who fled that state."""

    name = models.CharField(max_length=200)
    country = CountryField()
    kind = models.CharField(max_length=10, choices=AuthorityKind.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["country", "name"]
        verbose_name_plural = "country authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="country_authority_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


# --- movements ------------------------------------------------------------------------------


class MovementKind(models.TextChoices):
    """The safeguards' MovementKind, as database choices (kept equal by a test)."""

    INTERNAL_TRANSFER = "INTERNAL_TRANSFER", _("transfer to another site in the host country")
    RESETTLEMENT_DEPARTURE = "RESETTLEMENT_DEPARTURE", _("resettlement departure")
    HUMANITARIAN_ADMISSION = "HUMANITARIAN_ADMISSION", _("humanitarian admission")
    RELOCATION_THIRD_COUNTRY = "RELOCATION_THIRD_COUNTRY", _("relocation to a third country")
    VOLUNTARY_REPATRIATION = "VOLUNTARY_REPATRIATION", _("voluntary repatriation")
    DEPORTATION_ORDER = "DEPORTATION_ORDER", _("deportation or removal order")
    EXTRADITION_REQUEST = "EXTRADITION_REQUEST", _("extradition request")
    OTHER_REMOVAL = "OTHER_REMOVAL", _("other removal")


class MovementState(models.TextChoices):
    REQUESTED = "REQUESTED", _("requested")
    ASSESSED = "ASSESSED", _("assessed")
    APPROVED = "APPROVED", _("approved")
    REFUSED = "REFUSED", _("refused")
    CARRIED_OUT = "CARRIED_OUT", _("carried out")
    CANCELLED = "CANCELLED", _("cancelled")


class GroupRequest(models.Model):
    """A request about many persons at once (e.g. "all residents of block 4"), assessed
    person by person; each person gets their own Movement."""

    reference = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="group_movement_requests")
    block = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    kind = models.CharField(max_length=26, choices=MovementKind.choices)
    destination_country = CountryField(blank=True)
    requesting_state = CountryField(blank=True)
    legal_reference = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    allowed_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class Movement(models.Model):
    """One planned movement of one person. `state` changes only in movements.gate."""

    reference = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="movements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=26, choices=MovementKind.choices)
    destination_country = CountryField(blank=True)
    destination_site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming_movements"
    )
    requesting_state = CountryField(blank=True)
    legal_reference = models.CharField(max_length=200, blank=True)
    court_reference = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=MovementState.choices, default=MovementState.REQUESTED)
    state_since = models.DateTimeField()
    group_request = models.ForeignKey(
        GroupRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["site", "state"]), models.Index(fields=["person", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MovementState.values), name="movement_state_known"),
            models.CheckConstraint(
                condition=~Q(kind="EXTRADITION_REQUEST") | ~Q(requesting_state=""),
                name="extradition_names_requesting_state",
            ),
            models.CheckConstraint(
                condition=Q(destination_site__isnull=True) | Q(kind="INTERNAL_TRANSFER"),
                name="destination_site_only_for_transfers",
            ),
        ]
        permissions = [
            ("request_departure", "Can request and carry out resettlement and admission departures"),
            ("approve_movement", "Can approve or refuse a movement"),
            ("carry_out_movement", "Can record a movement as carried out"),
            ("approve_chain", "Can approve a third-country (chain refoulement) assessment"),
            ("record_voluntariness", "Can record voluntary repatriation interviews"),
            # Data sharing's permissions, under the names the roles and routes publish (the
            # sharing app's models declare none: see sharing/models.py).
            ("view_recipient", "Can view recipient"),
            ("manage_recipients", "Can record recipients and data-sharing agreements"),
            ("release_personal_data", "Can release personal data to a recorded recipient"),
            ("view_disclosure", "Can see the log of disclosures"),
            ("read_shared_cases", "Partner: can read the cases shared with their organisation"),
        ]

    def __str__(self) -> str:
        return self.reference


class GateAction(models.TextChoices):
    ASSESS = "assess", _("assess")
    APPROVE = "approve", _("approve")
    REFUSE = "refuse", _("refuse")
    CARRY_OUT = "carry_out", _("carry out")
    CANCEL = "cancel", _("cancel")


class GateResult(AppendOnly):
    """N9: every attempt to move a movement on, allowed or refused, with what the gate said."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="gate_results")
    action = models.CharField(max_length=10, choices=GateAction.choices)
    from_state = models.CharField(max_length=12, choices=MovementState.choices)
    to_state = models.CharField(max_length=12, choices=MovementState.choices)
    allowed = models.BooleanField(help_text=_("What the gate answered"))
    applied = models.BooleanField(help_text=_("The movement entered to_state"))
    gated = models.BooleanField(help_text=_("The safeguards were asked (not for refusing or cancelling)"))
    blocks = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class ChainAssessmentRecord(models.Model):
    """An assessment of a third country for one person (N6): admission, protection,
    non-refoulement. Counts once two different protection officers approved it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="chain_assessments")
    country = CountryField()
    admission_document = models.CharField(max_length=200)
    access_to_protection = models.BooleanField()
    respects_non_refoulement = models.BooleanField()
    rationale = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)


class ChainApproval(AppendOnly):
    assessment = models.ForeignKey(ChainAssessmentRecord, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "approver"], name="approve_once")]


class VoluntarinessRecord(models.Model):
    """Evidence that a voluntary repatriation is free, informed and express (N7). Consent can
    be withdrawn at any time before departure; withdrawing cancels the person's returns."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="voluntariness_records")
    signed_declaration = models.BooleanField(default=False)
    counselling_record = models.BooleanField(default=False)
    coercion_flag_open = models.BooleanField(default=False)
    best_interests_assessment = models.BooleanField(default=False)
    best_interests_determination = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True)


class FamilyUnityDecision(models.Model):
    """N8: the explicit decision that `person` may move (this kind, to this country) while
    `member` of the same household stays. The gate blocks a movement that would split a
    household until every member left behind has one; DOMAIN.md 6.2 allows this override
    with a rationale, recorded by an officer who may approve movements (N9: audited)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_unity_decisions")
    member = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=26, choices=MovementKind.choices)
    country = CountryField()
    rationale = models.TextField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person=models.F("member")), name="family_unity_two_persons"),
            models.UniqueConstraint(
                fields=["person", "member", "kind", "country"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_open_family_unity_decision",
            ),
        ]
