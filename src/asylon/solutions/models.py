"""Resettlement to third countries (DOMAIN.md section 7): receiving countries and their
pledges, resettlement cases with their members, submissions to one country at a time, and
the history of every stage a case went through.

Only `solutions.services` writes here, and a case's `stage` changes in exactly one function
(`services._enter_stage`), following the table in `transitions.py`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.movements.models import Movement
from asylon.registry.models import Household, Person, Relationship, Site
from asylon.sharing.models import Recipient

USER = settings.AUTH_USER_MODEL


class SelectionMode(models.TextChoices):
    DOSSIER = "DOSSIER", _("dossier selection")
    INTERVIEW = "INTERVIEW", _("interview mission")


class Category(models.TextChoices):
    """UNHCR submission categories (DOMAIN.md 7.1)."""

    LPP = "LPP", _("legal and/or physical protection needs")
    SVT = "SVT", _("survivors of violence and/or torture")
    MED = "MED", _("medical needs")
    WGR = "WGR", _("women and girls at risk")
    FAM = "FAM", _("restoring family unity")
    CAR = "CAR", _("children and adolescents at risk")
    LAS = "LAS", _("lack of foreseeable alternative durable solutions")


class Priority(models.TextChoices):
    """Submission priority (DOMAIN.md 7.2); targets run from submission to departure."""

    EMERGENCY = "EMERGENCY", _("emergency")
    URGENT = "URGENT", _("urgent")
    NORMAL = "NORMAL", _("normal")


# Target processing times, submission to departure (DOMAIN.md 7.2, marked unverified there).
TARGET_DAYS: dict[str, int] = {Priority.EMERGENCY: 7, Priority.URGENT: 42, Priority.NORMAL: 365}


def target_for(priority: str) -> timedelta:
    return timedelta(days=TARGET_DAYS[priority])


class ReceivingCountry(models.Model):
    """A state that offers resettlement places. Its delegation's partner accounts are the
    users of `recipient` (a RESETTLEMENT_COUNTRY recipient of the data-sharing guard)."""

    country = CountryField(unique=True)
    selection_mode = models.CharField(max_length=10, choices=SelectionMode.choices)
    recipient = models.OneToOneField(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="receiving_country"
    )
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "receiving countries"

    def __str__(self) -> str:
        return str(self.country.name)


class Pledge(models.Model):
    """Places a country offers in one year, and what it will take."""

    country = models.ForeignKey(ReceivingCountry, on_delete=models.PROTECT, related_name="pledges")
    year = models.PositiveSmallIntegerField()
    places = models.PositiveIntegerField(help_text=_("Number of persons"))
    categories = models.JSONField(default=list, help_text=_("Submission categories taken; empty: any"))
    max_family_size = models.PositiveSmallIntegerField(null=True, blank=True)
    takes_medical_cases = models.BooleanField(default=True)
    criteria = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "year"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="one_pledge_per_country_year"),
            models.CheckConstraint(condition=Q(places__gt=0), name="pledge_has_places"),
        ]


class Stage(models.TextChoices):
    IDENTIFIED = "IDENTIFIED", _("identified")
    ASSESSED = "ASSESSED", _("need assessed")
    SUBMITTED = "SUBMITTED", _("submitted to a country")
    INTERVIEW = "INTERVIEW", _("selection interview")
    ACCEPTED = "ACCEPTED", _("accepted")
    REJECTED = "REJECTED", _("rejected")
    EXIT_FORMALITIES = "EXIT_FORMALITIES", _("exit formalities")
    DEPARTURE_SCHEDULED = "DEPARTURE_SCHEDULED", _("departure scheduled")
    DEPARTED = "DEPARTED", _("departed")
    ARRIVED = "ARRIVED", _("arrival confirmed")
    CLOSED = "CLOSED", _("closed")


class ResettlementCase(models.Model):
    """One household's resettlement case (members in CaseMember)."""

    reference = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="resettlement_cases")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="resettlement_cases")
    split_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="split_cases")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_since = models.DateTimeField()
    persons = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Persons the case carries: its members, less those split off into a case of their own"),
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    primary_category = models.CharField(max_length=3, choices=Category.choices)
    secondary_category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    need_assessment = models.TextField(blank=True)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(null=True, blank=True)
    country = models.ForeignKey(
        ReceivingCountry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The country of the current submission"),
    )
    submitted_on = models.DateField(null=True, blank=True, help_text=_("Start of the priority's target time"))
    exit_permit = models.BooleanField(default=False)
    medical_clearance = models.BooleanField(default=False)
    travel_documents = models.BooleanField(default=False)
    departure_date = models.DateField(null=True, blank=True)
    departed_on = models.DateField(null=True, blank=True)
    arrived_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["site", "stage"]),
            models.Index(fields=["site", "departed_on"]),
            models.Index(fields=["country", "stage"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="case_stage_known"),
            models.CheckConstraint(
                condition=Q(secondary_category="") | ~Q(secondary_category=models.F("primary_category")),
                name="case_two_different_categories",
            ),
        ]
        permissions = [
            ("manage_resettlement", "Can manage resettlement cases, submissions, countries and pledges"),
            ("view_resettlement_dashboard", "Can see the resettlement dashboard of a site"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def target_date(self):
        if self.submitted_on is None:
            return None
        return self.submitted_on + target_for(self.priority)


class CaseMember(models.Model):
    """A person in a case. A person is in at most one open case (`active`)."""

    case = models.ForeignKey(ResettlementCase, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="resettlement_memberships")
    relationship = models.CharField(max_length=14, choices=Relationship.choices)
    active = models.BooleanField(default=True)
    movement = models.ForeignKey(Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(active=True), name="one_open_case_per_person"),
        ]


class CaseSplit(models.Model):
    """The explicit, reasoned decision to split a household's case."""

    case = models.ForeignKey(ResettlementCase, on_delete=models.PROTECT, related_name="splits")
    new_case = models.OneToOneField(ResettlementCase, on_delete=models.PROTECT, related_name="split_decision")
    person_refs = models.JSONField(default=list)
    reason = models.TextField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="split_has_reason")]


class Outcome(models.TextChoices):
    PENDING = "PENDING", _("pending")
    ACCEPTED = "ACCEPTED", _("accepted")
    REJECTED = "REJECTED", _("rejected")
    WITHDRAWN = "WITHDRAWN", _("withdrawn")


class SubmissionBatch(models.Model):
    """Cases submitted together to one country, with the manifest's columns."""

    country = models.ForeignKey(ReceivingCountry, on_delete=models.PROTECT, related_name="batches")
    fields = models.JSONField(default=list)
    case_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Submission(models.Model):
    """A case submitted to one country. At most one is open (pending or accepted) per case."""

    case = models.ForeignKey(ResettlementCase, on_delete=models.PROTECT, related_name="submissions")
    country = models.ForeignKey(ReceivingCountry, on_delete=models.PROTECT, related_name="submissions")
    batch = models.ForeignKey(SubmissionBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    interview_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "submitted_on", "pk"]
        indexes = [models.Index(fields=["country", "outcome"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(outcome__in=["PENDING", "ACCEPTED"]), name="one_open_submission_per_case"
            ),
        ]

    @property
    def source(self) -> str:
        return f"solutions.submission:{self.pk}"


class StageEntry(models.Model):
    """One step of a case, with when and by whom: how long a case waited is read here."""

    case = models.ForeignKey(ResettlementCase, on_delete=models.PROTECT, related_name="stage_entries")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    action = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
