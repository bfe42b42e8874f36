"""Individual protection cases (DOMAIN.md section 12): a case for a person or a household,
its consents, assessments, plan, reviews, referrals and confidential notes.

Only `cases.services` (and `cases.services_referrals` for referrals) write here. A case's
`state` and a referral's `state` change in one function each, following the tables in
`transitions.py`. The invariants that fit in the database are constraints below: a case is
for a person or a household (not both), a closed case has its reason, a referral outside
the organisation names its recipient and one inside names none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asylon.incidents.models import Incident, RollCallEntry
from asylon.registry.models import Household, Person, Site, SpecificNeed
from asylon.sharing.models import Disclosure, Recipient

USER = settings.AUTH_USER_MODEL


class CaseType(models.TextChoices):
    SURVIVOR_OF_VIOLENCE = "SURVIVOR_OF_VIOLENCE", _("survivor of violence")
    SURVIVOR_OF_TORTURE = "SURVIVOR_OF_TORTURE", _("survivor of torture")
    CHILD_AT_RISK = "CHILD_AT_RISK", _("child at risk")
    UASC = "UASC", _("unaccompanied or separated child")
    MEDICAL = "MEDICAL", _("medical")
    LEGAL = "LEGAL", _("legal")
    OTHER = "OTHER", _("other")


# GBVIMS: violence and torture cases are seen by their caseworker and supervisor only, and
# even their existence is protected (DOMAIN.md 12).
SENSITIVE_TYPES = frozenset({CaseType.SURVIVOR_OF_VIOLENCE, CaseType.SURVIVOR_OF_TORTURE})


class RiskLevel(models.TextChoices):
    LOW = "LOW", _("low")
    MEDIUM = "MEDIUM", _("medium")
    HIGH = "HIGH", _("high")
    CRITICAL = "CRITICAL", _("critical")


# Days between reviews, set by the risk level (DOMAIN.md 12: high risk days, medium weeks,
# low a month or more; indicative, unverified as a standard). The one table of it.
REVIEW_INTERVAL_DAYS: dict[str, int] = {
    RiskLevel.CRITICAL: 2,
    RiskLevel.HIGH: 7,
    RiskLevel.MEDIUM: 14,
    RiskLevel.LOW: 30,
}


class CaseState(models.TextChoices):
    OPEN = "OPEN", _("open")
    ASSESSED = "ASSESSED", _("assessed")
    PLAN_ACTIVE = "PLAN_ACTIVE", _("plan active")
    CLOSED = "CLOSED", _("closed")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "NEEDS_MET", _("needs met")
    DEPARTED = "DEPARTED", _("person departed")
    DECEASED = "DECEASED", _("person deceased")
    TRANSFERRED = "TRANSFERRED", _("transferred to another agency")
    LOST_CONTACT = "LOST_CONTACT", _("lost contact")
    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN", _("consent withdrawn")
    OTHER = "OTHER", _("other")


class Origin(models.TextChoices):
    MANUAL = "MANUAL", _("opened by hand")
    SPECIFIC_NEED = "SPECIFIC_NEED", _("a specific need")
    INCIDENT = "INCIDENT", _("an incident")
    ROLL_CALL = "ROLL_CALL", _("a roll-call result")


class ProtectionCase(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="protection_cases")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="protection_cases")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="protection_cases"
    )
    case_type = models.CharField(max_length=24, choices=CaseType.choices)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    caseworker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="cases_held")
    supervisor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_supervised"
    )
    origin = models.CharField(max_length=14, choices=Origin.choices, default=Origin.MANUAL)
    origin_need = models.ForeignKey(SpecificNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_mark = models.ForeignKey(RollCallEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=CaseState.choices, default=CaseState.OPEN)
    closure_reason = models.CharField(max_length=18, choices=ClosureReason.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("view_sensitive_case", "Can see every violence or torture case and every case's notes"),
            ("answer_referral", "Can answer referrals made to the partner it acts for"),
        ]
        indexes = [
            models.Index(fields=["site", "state"]),
            models.Index(fields=["caseworker", "state"]),
            models.Index(fields=["supervisor", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="case_for_person_or_household",
            ),
            models.CheckConstraint(
                condition=Q(state="CLOSED", closed_on__isnull=False) & ~Q(closure_reason="")
                | ~Q(state="CLOSED") & Q(closed_on__isnull=True, closure_reason=""),
                name="case_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    origin="MANUAL", origin_need__isnull=True, origin_incident__isnull=True, origin_mark__isnull=True
                )
                | Q(origin="SPECIFIC_NEED", origin_need__isnull=False)
                | Q(origin="INCIDENT", origin_incident__isnull=False)
                | Q(origin="ROLL_CALL", origin_mark__isnull=False),
                name="case_origin_linked",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:case_detail", args=[self.reference])

    @property
    def sensitive(self) -> bool:
        return self.case_type in SENSITIVE_TYPES

    @property
    def subject(self) -> Person | Household:
        return self.person or self.household  # type: ignore[return-value]


class ConsentGiver(models.TextChoices):
    PERSON = "PERSON", _("the person")
    CHILD = "CHILD", _("the child (assent)")
    GUARDIAN = "GUARDIAN", _("a parent or guardian")


class ConsentScope(models.TextChoices):
    CASE_MANAGEMENT = "CASE_MANAGEMENT", _("case management")
    REFERRAL = "REFERRAL", _("referral to a named service, sharing the listed fields")


class Service(models.TextChoices):
    MEDICAL = "MEDICAL", _("medical")
    LEGAL_AID = "LEGAL_AID", _("legal aid")
    PSYCHOSOCIAL = "PSYCHOSOCIAL", _("psychosocial support")
    SHELTER = "SHELTER", _("shelter")
    LIVELIHOOD = "LIVELIHOOD", _("livelihood")


class Consent(models.Model):
    """Who consented (the person, the child's assent or a guardian's consent), to what, when.
    A referral consent names the service, the partner when outside, and the fields."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="consents")
    giver = models.CharField(max_length=8, choices=ConsentGiver.choices)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relation = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=16, choices=ConsentScope.choices)
    service = models.CharField(max_length=12, choices=Service.choices, blank=True)
    recipient = models.ForeignKey(Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list, blank=True)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver="GUARDIAN") | ~Q(guardian_name="") & ~Q(guardian_relation=""),
                name="guardian_consent_named",
            ),
            models.CheckConstraint(
                condition=Q(scope="CASE_MANAGEMENT", service="", recipient__isnull=True)
                | Q(scope="REFERRAL") & ~Q(service=""),
                name="referral_consent_names_service",
            ),
        ]


class Assessment(models.Model):
    """One assessment of the case: the answers to its type's form (`assessments.py`)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="assessments")
    case_type = models.CharField(max_length=24, choices=CaseType.choices)
    answers = models.JSONField(default=dict)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-assessed_at", "-pk"]


class PlanAction(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="actions")
    action = models.CharField(max_length=300)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_actions")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(done_on__isnull=True) | ~Q(outcome=""), name="done_action_has_outcome")
        ]


class Review(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    next_review_on = models.DateField()

    class Meta:
        default_permissions = ()
        ordering = ["-reviewed_on", "-pk"]


class ReferralState(models.TextChoices):
    SENT = "SENT", _("sent")
    ACCEPTED = "ACCEPTED", _("accepted")
    DECLINED = "DECLINED", _("declined")
    COMPLETED = "COMPLETED", _("completed")


class Referral(models.Model):
    """A referral to a service. Outside the organisation it names a `Recipient` (a partner)
    and is a disclosure (`disclosure`, D6): `shared` holds exactly the released fields, and
    is all the partner reads."""

    reference = models.CharField(max_length=20, unique=True)
    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=12, choices=Service.choices)
    recipient = models.ForeignKey(Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    internal_unit = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=200)
    fields = models.JSONField(default=list)
    shared = models.JSONField(default=dict)
    disclosure = models.ForeignKey(Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=ReferralState.choices, default=ReferralState.SENT)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, internal_unit="")
                | Q(recipient__isnull=True, disclosure__isnull=True) & ~Q(internal_unit=""),
                name="referral_inside_or_outside",
            ),
            models.CheckConstraint(
                condition=~Q(state="COMPLETED") | ~Q(outcome=""), name="completed_referral_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def outside(self) -> bool:
        return self.recipient_id is not None


class CaseNote(models.Model):
    """Confidential: read by the caseworker, the supervisor and `view_sensitive_case` only,
    each read audited (queries.case_notes)."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-written_at", "-pk"]
