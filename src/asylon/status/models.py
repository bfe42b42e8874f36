"""Legal status as a time series, refugee status determination (RSD) cases, group (prima
facie) declarations and site designation acts (DOMAIN.md sections 1 and 5).

A person's status is never a column typed in by hand: it is read from `StatusEntry` rows,
each pointing to the act it comes from (an RSD case, a group declaration, an ending
procedure, or a recorded departure/death). Entries are append-only; revoking a group
declaration marks its entries as reverted, pointing to the declaration, and deletes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.registry.models import SiteDesignation


class LegalStatus(models.TextChoices):
    ASYLUM_SEEKER = "ASYLUM_SEEKER", _("asylum seeker")
    REFUGEE = "REFUGEE", _("refugee")
    REJECTED_FINAL = "REJECTED_FINAL", _("finally rejected")
    EXCLUDED = "EXCLUDED", _("excluded (Art. 1F)")
    CEASED = "CEASED", _("ceased")
    CANCELLED = "CANCELLED", _("cancelled")
    REVOKED = "REVOKED", _("revoked")
    CLOSED_ABANDONED = "CLOSED_ABANDONED", _("closed (abandoned)")
    DEPARTED_RESETTLED = "DEPARTED_RESETTLED", _("departed (resettled)")
    DEPARTED_REPATRIATED = "DEPARTED_REPATRIATED", _("departed (repatriated)")
    DEPARTED_OTHER = "DEPARTED_OTHER", _("departed (other)")
    DECEASED = "DECEASED", _("deceased")


# Statuses that rest on a final decision (no claim or appeal pending).
FINAL_STATUSES = frozenset(
    {
        LegalStatus.REFUGEE,
        LegalStatus.REJECTED_FINAL,
        LegalStatus.EXCLUDED,
        LegalStatus.CEASED,
        LegalStatus.CANCELLED,
        LegalStatus.REVOKED,
    }
)
# Statuses other apps may record directly (no determination behind them).
EVENT_STATUSES = frozenset(
    {
        LegalStatus.DEPARTED_RESETTLED,
        LegalStatus.DEPARTED_REPATRIATED,
        LegalStatus.DEPARTED_OTHER,
        LegalStatus.DECEASED,
    }
)


class RecognisedBy(models.TextChoices):
    UNHCR = "UNHCR", _("UNHCR (mandate)")
    HOST_STATE = "HOST_STATE", _("host state")
    OTHER_STATE = "OTHER_STATE", _("other state")


class DeterminationMode(models.TextChoices):
    INDIVIDUAL = "INDIVIDUAL", _("individual determination")
    PRIMA_FACIE_GROUP = "PRIMA_FACIE_GROUP", _("prima facie (group)")
    PRIMA_FACIE_INDIVIDUAL = "PRIMA_FACIE_INDIVIDUAL", _("prima facie (individual)")


class LegalBasis(models.TextChoices):
    CONV_1951 = "1951_CONV", _("1951 Convention / 1967 Protocol")
    OAU_1969 = "OAU_1969", _("1969 OAU Convention")
    CARTAGENA = "CARTAGENA", _("Cartagena Declaration")
    UNHCR_MANDATE_EXTENDED = "UNHCR_MANDATE_EXTENDED", _("UNHCR extended mandate")
    NATIONAL_LAW = "NATIONAL_LAW", _("national law")


class StatusEntry(models.Model):
    """One dated change of a person's legal status, with the act it rests on.

    The status on a date is the most recently recorded, non-reverted entry whose
    `effective_on` is on or before that date (see queries.statuses_on).
    """

    # Indexes: (person, id) serves every lookup by person and the Meta index serves the
    # declaration; the foreign keys' own indexes would only double the cost of writing
    # 100,000 entries in one declaration (and of reverting them). The keys most entries
    # leave empty (derivative_of, rsd_case, procedure) are indexed only where set, so an
    # entry that sets none of them adds nothing to their indexes.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="status_entries", db_index=False
    )
    status = models.CharField(max_length=24, choices=LegalStatus.choices)
    effective_on = models.DateField()
    recognised_by = models.CharField(max_length=12, choices=RecognisedBy.choices, blank=True)
    determination_mode = models.CharField(max_length=24, choices=DeterminationMode.choices, blank=True)
    legal_basis = models.CharField(max_length=24, choices=LegalBasis.choices, blank=True)
    derivative_of = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The basis: exactly which act produced the entry (at most one of these is set).
    rsd_case = models.ForeignKey(
        "RsdCase", null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    declaration = models.ForeignKey(
        "GroupDeclaration", null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    procedure = models.ForeignKey(
        "EndingProcedure", null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # A revoked declaration reverts the entries it created; they stay, pointing to it.
    reverted_at = models.DateTimeField(null=True, blank=True)
    # Never searched by (entries are found by their declaration); unindexed, reverting
    # a declaration's entries updates one index fewer per entry. Only a declaration's own
    # revocation reverts its entries, so this is always the entry's `declaration`: a check
    # says so (`reverted_by_own_declaration`), and the declaration's foreign key then holds
    # for both columns. A second foreign key would check the same row once per reverted
    # entry when the revocation commits (100,000 checks for one act).
    reverted_by = models.ForeignKey(
        "GroupDeclaration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reverted_entries",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["person", "id"]
        verbose_name_plural = "status entries"
        indexes = [
            models.Index(fields=["person", "id"]),
            models.Index(fields=["declaration"]),
            models.Index(
                fields=["derivative_of"], condition=Q(derivative_of__isnull=False), name="entry_derivative_of"
            ),
            models.Index(fields=["rsd_case"], condition=Q(rsd_case__isnull=False), name="entry_rsd_case"),
            models.Index(fields=["procedure"], condition=Q(procedure__isnull=False), name="entry_procedure"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="REFUGEE")
                | (~Q(recognised_by="") & ~Q(determination_mode="") & ~Q(legal_basis="")),
                name="refugee_entry_has_recognition",
            ),
            models.CheckConstraint(
                condition=Q(reverted_at__isnull=True, reverted_by__isnull=True)
                | Q(reverted_at__isnull=False, reverted_by__isnull=False),
                name="reverted_entry_names_act",
            ),
            models.CheckConstraint(
                condition=Q(reverted_by__isnull=True) | Q(declaration__isnull=False, reverted_by=F("declaration")),
                name="reverted_by_own_declaration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status} from {self.effective_on}"

    @property
    def basis(self) -> str:
        if self.rsd_case_id:
            return f"RSD case {self.rsd_case.reference}" if self.rsd_case else f"RSD case {self.rsd_case_id}"
        if self.declaration_id:
            return f"group declaration #{self.declaration_id}"
        if self.procedure_id:
            return f"ending procedure #{self.procedure_id}"
        return self.note


class RsdState(models.TextChoices):
    REGISTERED = "REGISTERED", _("registered")
    INTERVIEW_SCHEDULED = "INTERVIEW_SCHEDULED", _("interview scheduled")
    NO_SHOW = "NO_SHOW", _("did not attend")
    INTERVIEWED = "INTERVIEWED", _("interviewed")
    ASSESSED = "ASSESSED", _("assessed")
    EXCLUSION_REVIEW = "EXCLUSION_REVIEW", _("exclusion review (Art. 1F indicated)")
    EXCLUSION_ASSESSED = "EXCLUSION_ASSESSED", _("exclusion assessed")
    DECIDED = "DECIDED", _("decided")
    NOTIFIED = "NOTIFIED", _("notified")
    APPEAL_LODGED = "APPEAL_LODGED", _("appeal lodged")
    APPEAL_DECIDED = "APPEAL_DECIDED", _("appeal decided")
    CLOSED = "CLOSED", _("closed")
    CLOSED_ABANDONED = "CLOSED_ABANDONED", _("closed (abandoned)")
    REOPENED = "REOPENED", _("reopened")


CLOSED_STATES = frozenset({RsdState.CLOSED, RsdState.CLOSED_ABANDONED})


class Outcome(models.TextChoices):
    RECOGNISED = "RECOGNISED", _("recognised")
    REJECTED = "REJECTED", _("rejected")
    EXCLUDED = "EXCLUDED", _("excluded")


class ExclusionClause(models.TextChoices):
    F_A = "1F_A", _("1F(a) crime against peace, war crime, crime against humanity")
    F_B = "1F_B", _("1F(b) serious non-political crime")
    F_C = "1F_C", _("1F(c) acts contrary to UN purposes and principles")
    D = "1D", _("1D protection or assistance of another UN agency")
    E = "1E", _("1E treated as a national of the country of residence")


class ReopenGround(models.TextChoices):
    MATERIAL_CHANGE = "MATERIAL_CHANGE", _("material change of circumstances")
    NEW_EVIDENCE = "NEW_EVIDENCE", _("reliable new evidence of error")
    WRONGLY_DECIDED = "WRONGLY_DECIDED", _("wrongly decided or not properly examined")
    APPLICANT_REQUEST = "APPLICANT_REQUEST", _("applicant's request (abandoned file)")


class ConventionGround(models.TextChoices):
    RACE = "RACE", _("race")
    RELIGION = "RELIGION", _("religion")
    NATIONALITY = "NATIONALITY", _("nationality")
    SOCIAL_GROUP = "SOCIAL_GROUP", _("membership of a particular social group")
    POLITICAL_OPINION = "POLITICAL_OPINION", _("political opinion")
    REGIONAL_EVENTS = "REGIONAL_EVENTS", _("events seriously disturbing public order (OAU/Cartagena)")
    GENERALISED_VIOLENCE = "GENERALISED_VIOLENCE", _("generalised violence (Cartagena)")


class RsdSiteSettings(models.Model):
    """Per-site RSD settings, edited by administrators."""

    site = models.OneToOneField("registry.Site", on_delete=models.CASCADE, related_name="rsd_settings")
    appeal_window_days = models.PositiveSmallIntegerField(default=30)
    target_days_registered = models.PositiveSmallIntegerField(default=14, help_text=_("registered → interview set"))
    target_days_interview_scheduled = models.PositiveSmallIntegerField(default=30)
    target_days_interviewed = models.PositiveSmallIntegerField(default=30)
    target_days_assessed = models.PositiveSmallIntegerField(default=14)
    target_days_exclusion = models.PositiveSmallIntegerField(default=60)
    target_days_decided = models.PositiveSmallIntegerField(default=7, help_text=_("decided → notified"))
    target_days_appeal = models.PositiveSmallIntegerField(default=60)

    class Meta:
        verbose_name = _("RSD settings of a site")
        verbose_name_plural = _("RSD settings of sites")
        constraints = [models.CheckConstraint(condition=Q(appeal_window_days__gte=1), name="appeal_window_positive")]

    def __str__(self) -> str:
        return f"RSD settings {self.site_id}"

    def target_for(self, state: str) -> int | None:
        targets: dict[str, int] = {
            RsdState.REGISTERED: self.target_days_registered,
            RsdState.REOPENED: self.target_days_registered,
            RsdState.INTERVIEW_SCHEDULED: self.target_days_interview_scheduled,
            RsdState.NO_SHOW: self.target_days_interview_scheduled,
            RsdState.INTERVIEWED: self.target_days_interviewed,
            RsdState.ASSESSED: self.target_days_assessed,
            RsdState.EXCLUSION_REVIEW: self.target_days_exclusion,
            RsdState.EXCLUSION_ASSESSED: self.target_days_exclusion,
            RsdState.DECIDED: self.target_days_decided,
            RsdState.APPEAL_LODGED: self.target_days_appeal,
            RsdState.APPEAL_DECIDED: self.target_days_decided,
        }
        return targets.get(state)


class RsdCase(models.Model):
    """An RSD case: a principal applicant and the dependants it covers. `state` is only
    ever assigned by services.transition_rsd_case, following TRANSITIONS."""

    reference = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="rsd_cases")
    applicant = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="rsd_cases_as_applicant")
    state = models.CharField(max_length=20, choices=RsdState.choices, default=RsdState.REGISTERED)
    state_since = models.DateField()
    registered_on = models.DateField()
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Current round (reset by a reopening; earlier rounds stay in the transitions and audit).
    interview_on = models.DateField(null=True, blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interview_notes = models.TextField(blank=True)
    no_shows = models.PositiveSmallIntegerField(default=0)
    assessment = models.TextField(blank=True)
    recommendation = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    exclusion_indicated = models.BooleanField(default=False)
    exclusion_indications = models.TextField(blank=True)
    exclusion_clause = models.CharField(max_length=5, choices=ExclusionClause.choices, blank=True)
    exclusion_assessment = models.TextField(blank=True)
    exclusion_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exclusion_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decision_grounds = models.JSONField(default=list, blank=True)
    legal_basis = models.CharField(max_length=24, choices=LegalBasis.choices, blank=True)
    recognised_by = models.CharField(max_length=12, choices=RecognisedBy.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    appeal_deadline = models.DateField(null=True, blank=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_grounds = models.TextField(blank=True)
    appeal_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    appeal_reasons = models.TextField(blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_decided_on = models.DateField(null=True, blank=True)
    reopen_ground = models.CharField(max_length=20, choices=ReopenGround.choices, blank=True)

    CONFIDENTIAL_FIELDS = (
        "interview_notes",
        "assessment",
        "exclusion_indications",
        "exclusion_assessment",
        "decision_reasons",
        "appeal_grounds",
        "appeal_reasons",
    )

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["site", "state", "state_since"]),
            models.Index(fields=["assigned_officer", "state"]),
        ]
        permissions = [
            ("decide_rsdcase", "Can decide RSD cases, exclusion and appeals"),
            ("view_rsd_confidential", "Can read RSD interview notes, assessments and reasons"),
        ]

    def __str__(self) -> str:
        return self.reference


class RsdCaseMember(models.Model):
    """A person covered by a case: the principal applicant, or a dependant."""

    case = models.ForeignKey(RsdCase, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="rsd_memberships")
    principal = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="rsd_member_once"),
            models.UniqueConstraint(fields=["case"], condition=Q(principal=True), name="rsd_one_principal"),
        ]


class RsdTransition(models.Model):
    """The log of a case's states: the state on any past date is read from here."""

    case = models.ForeignKey(RsdCase, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=20, choices=RsdState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=RsdState.choices)
    on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    appeal_deadline = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["case", "id"]


class CutoffKind(models.TextChoices):
    ARRIVAL = "ARRIVAL", _("arrived before")
    REGISTRATION = "REGISTRATION", _("registered before")


class GroupDeclaration(models.Model):
    """A prima facie declaration over a group at one site, applied in one transaction."""

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="group_declarations")
    nationality = CountryField()
    cutoff_kind = models.CharField(max_length=12, choices=CutoffKind.choices)
    cutoff_date = models.DateField()
    ethnicity = models.CharField(max_length=100, blank=True, help_text=_("Optional: only this specific group"))
    effective_on = models.DateField()
    legal_basis = models.CharField(max_length=24, choices=LegalBasis.choices)
    recognised_by = models.CharField(max_length=12, choices=RecognisedBy.choices)
    legal_basis_text = models.TextField()
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    applied_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)  # [{"reference": ..., "reason": ...}]
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    reverted_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-declared_at"]
        permissions = [("revoke_groupdeclaration", "Can revoke a group declaration")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="revocation_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.site_id} {self.nationality} {self.effective_on}"


class SiteDesignationAct(models.Model):
    """A dated act designating a site (e.g. as a refugee camp). Revoking restores the previous designation."""

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="designation_acts")
    designation = models.CharField(max_length=20, choices=SiteDesignation.choices)
    effective_on = models.DateField()
    legal_basis_text = models.TextField()
    previous_designation = models.CharField(max_length=20, choices=SiteDesignation.choices)
    previous_designated_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        permissions = [("revoke_sitedesignationact", "Can revoke a site designation act")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.designation} {self.effective_on}"


class EndingKind(models.TextChoices):
    CESSATION = "CESSATION", _("cessation (Art. 1C)")
    CANCELLATION = "CANCELLATION", _("cancellation")
    REVOCATION = "REVOCATION", _("revocation (Art. 1F(a)/(c) after recognition)")


ENDING_STATUS = {
    EndingKind.CESSATION: LegalStatus.CEASED,
    EndingKind.CANCELLATION: LegalStatus.CANCELLED,
    EndingKind.REVOCATION: LegalStatus.REVOKED,
}


class EndingProcedure(models.Model):
    """The procedure record DOMAIN.md 5.3 requires before refugee status may end.

    A decision that ends the status is notified in writing; from the notification the person
    has the site's appeal window (as for an RSD decision) and may appeal, to an officer other
    than the one who decided. Until it is notified, while the window is open and while an
    appeal is pending, removal is suspended (N4: `status.queries` reads these dates)."""

    class Outcome(models.TextChoices):
        OPEN = "OPEN", _("open")
        ENDED = "ENDED", _("status ended")
        MAINTAINED = "MAINTAINED", _("status maintained")

    class AppealOutcome(models.TextChoices):
        UPHELD = "UPHELD", _("ending upheld")
        OVERTURNED = "OVERTURNED", _("ending overturned, status restored")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="ending_procedures")
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=EndingKind.choices)
    clause = models.CharField(max_length=20, help_text=_("e.g. 1C(5)"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    appeal_deadline = models.DateField(null=True, blank=True, help_text=_("last day to appeal"))
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_reasons = models.TextField(blank=True)
    appeal_outcome = models.CharField(max_length=10, choices=AppealOutcome.choices, blank=True)
    appeal_decision_reasons = models.TextField(blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_decided_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(outcome="OPEN"), name="one_open_ending_procedure"),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | ~Q(outcome="OPEN"), name="ending_notified_after_decision"
            ),
            models.CheckConstraint(
                condition=Q(appeal_lodged_on__isnull=True) | Q(notified_on__isnull=False, outcome="ENDED"),
                name="ending_appeal_after_notified_ending",
            ),
            models.CheckConstraint(
                condition=Q(appeal_decided_on__isnull=True) | Q(appeal_lodged_on__isnull=False),
                name="ending_appeal_decided_after_lodged",
            ),
        ]

    @property
    def reference(self) -> str:
        return f"EP-{self.pk:06d}"
