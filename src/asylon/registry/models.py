"""The register: sites, places inside them, households, persons and their specific needs.

Nothing here is ever deleted by a user: a person who leaves changes presence, a
correction is an audited change with a reason, a household member who moves out gets an
end date on the membership.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.core.models import DatePrecision, TimeStamped


class SiteDesignation(models.TextChoices):
    TEMPORARY_TRANSIT_LOCATION = "TTL", _("temporary transit location")
    REFUGEE_CAMP = "REFUGEE_CAMP", _("refugee camp")
    SETTLEMENT = "SETTLEMENT", _("settlement")
    RECEPTION_CENTRE = "RECEPTION_CENTRE", _("reception centre")
    OTHER = "OTHER", _("other")


class Site(TimeStamped):
    """A camp or settlement. Its code prefixes every person and household reference."""

    code = models.CharField(max_length=8, unique=True, help_text=_("Prefix of references, e.g. LIB"))
    name = models.CharField(max_length=120)
    host_country = CountryField()
    designation = models.CharField(max_length=20, choices=SiteDesignation.choices)
    designated_on = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2,8}$"), name="site_code_upper")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LocationKind(models.TextChoices):
    BLOCK = "BLOCK", _("block")
    UNIT = "UNIT", _("unit")


class Location(models.Model):
    """A block, or a unit (trailer, shelter) inside a block."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(max_length=8, choices=LocationKind.choices)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "parent", "name"], name="location_unique_name"),
            models.UniqueConstraint(
                fields=["site", "name"], condition=Q(parent__isnull=True), name="block_unique_name"
            ),
            models.CheckConstraint(
                condition=(Q(kind="BLOCK", parent__isnull=True) | Q(kind="UNIT", parent__isnull=False)),
                name="location_unit_has_block",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class ReferenceCounter(models.Model):
    """The last number given under a prefix. Numbers are never reused, even after a merge."""

    prefix = models.CharField(max_length=12, primary_key=True)
    last_number = models.PositiveBigIntegerField(default=0)


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other")
    UNKNOWN = "U", _("unknown")


class Presence(models.TextChoices):
    PRESENT = "PRESENT", _("present")
    HOSPITALISED = "HOSPITALISED", _("hospitalised")
    DETAINED = "DETAINED", _("detained")
    MISSING = "MISSING", _("missing")
    DECEASED = "DECEASED", _("deceased")
    DEPARTED = "DEPARTED", _("departed")
    # Found to be another registration of a person already in the register (matching app).
    MERGED = "MERGED", _("merged into another record")


class Household(TimeStamped):
    """A registration case / family group: members registered and processed together."""

    reference = models.CharField(max_length=20, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="households")
    unit = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="households")
    arrival_date = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


# A person's names as entered: Latin transcription and original script of each.
PERSON_NAME_FIELDS = (
    "given_name",
    "fathers_name",
    "family_name",
    "given_name_original",
    "fathers_name_original",
    "family_name_original",
)


class Person(TimeStamped):
    """An individual: the unit of protection. Sensitive fields live in SensitiveProfile."""

    reference = models.CharField(max_length=20, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="persons")
    unit = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="residents")
    given_name = models.CharField(max_length=100)
    fathers_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    given_name_original = models.CharField(max_length=100, blank=True)
    fathers_name_original = models.CharField(max_length=100, blank=True)
    family_name_original = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT)
    nationality = CountryField(blank=True)
    country_of_origin = CountryField(blank=True)
    stateless = models.BooleanField(default=False)
    languages = models.CharField(max_length=100, blank=True, help_text=_("ISO 639 codes, comma separated"))
    registered_on = models.DateField()
    presence = models.CharField(max_length=14, choices=Presence.choices, default=Presence.PRESENT)
    biometric_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["reference"]
        indexes = [
            # The list pages walk a site's persons in reference order, filtered or not.
            models.Index(fields=["site", "reference"]),
            models.Index(fields=["site", "presence", "reference"]),
            models.Index(fields=["site", "date_of_birth"]),
            models.Index(fields=["site", "sex"]),
            models.Index(fields=["unit"]),
        ]
        permissions = [
            ("view_sensitive", "Can see sensitive fields (religion, ethnicity, political profile, medical, torture)"),
            ("change_sensitive", "Can change sensitive fields"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.fathers_name, self.family_name) if p)

    @property
    def full_name_original(self) -> str:
        parts = (self.given_name_original, self.fathers_name_original, self.family_name_original)
        return " ".join(p for p in parts if p)


class SensitiveProfile(models.Model):
    """The fields that are often the very grounds of persecution. Only roles with
    `registry.view_sensitive` ever receive them; every read is audited."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="sensitive", primary_key=True)
    religion = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    political_profile = models.TextField(blank=True)
    medical_notes = models.TextField(blank=True)
    torture_survivor = models.BooleanField(null=True, blank=True)

    FIELDS = ("religion", "ethnicity", "political_profile", "medical_notes", "torture_survivor")

    def __str__(self) -> str:
        return f"sensitive profile of {self.person_id}"


class Relationship(models.TextChoices):
    PRINCIPAL_APPLICANT = "PA", _("principal applicant")
    SPOUSE_PARTNER = "SPOUSE", _("spouse or partner")
    CHILD = "CHILD", _("child")
    PARENT = "PARENT", _("parent")
    SIBLING = "SIBLING", _("sibling")
    GRANDCHILD = "GRANDCHILD", _("grandchild")
    OTHER_RELATIVE = "RELATIVE", _("other relative")
    NON_RELATIVE = "NON_RELATIVE", _("non-relative dependant")


class Membership(models.Model):
    """A person's membership of a household, as a dated interval (cases split and merge)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(max_length=14, choices=Relationship.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_current_household_per_person"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True, relationship="PA"),
                name="one_principal_applicant_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["household", "ended_on"])]


class SpecificNeedCode(models.Model):
    """UNHCR's standardised specific-needs codes, as reference data (UNHCR revises them)."""

    code = models.CharField(max_length=8, primary_key=True)
    category = models.CharField(max_length=2)
    label = models.CharField(max_length=120)
    restricted = models.BooleanField(default=False, help_text=_("Details visible to protection roles only"))
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_label}"

    @property
    def display_label(self) -> str:
        """The label in the reader's language (the catalogues hold UNHCR's English labels)."""
        return gettext(self.label)


class NeedStatus(models.TextChoices):
    FLAGGED = "FLAGGED", _("flagged")
    CONFIRMED = "CONFIRMED", _("confirmed")
    RESOLVED = "RESOLVED", _("resolved")
    REJECTED = "REJECTED", _("rejected")


class SpecificNeed(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="specific_needs")
    code = models.ForeignKey(SpecificNeedCode, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.FLAGGED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["code", "person"])]
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="need_once_per_person")]


class PersonPhoto(models.Model):
    """A photo of a person, stored in the photo store (`registry/photos.py`) by its SHA-256.

    Kept as rows rather than one column on Person: a new photo replaces the current one, and
    the old one stays, with who took it and when, for the audit trail and for the papers
    already issued with its hash. At most one row per person is `current` (a constraint).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="photos")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(current=True), name="one_current_photo_per_person"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="person_photo_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"photo of {self.person_id} ({self.sha256[:12]})"


class ParentRole(models.TextChoices):
    MOTHER = "MOTHER", _("mother")
    FATHER = "FATHER", _("father")


class Parentage(models.Model):
    """A child's link to a parent in the register, recorded at a birth in the camp. The
    household relationship says how the child stands to the principal applicant; this says
    who the parents are, which the relationship alone cannot."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parents")
    parent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="children")
    role = models.CharField(max_length=6, choices=ParentRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "role"], name="one_parent_per_role"),
            models.CheckConstraint(condition=~Q(child=models.F("parent")), name="parent_is_another_person"),
        ]


class DeathSource(models.TextChoices):
    CLINIC = "CLINIC", _("clinic or hospital")
    FAMILY = "FAMILY", _("family")
    ROLL_CALL = "ROLL_CALL", _("roll call")
    AUTHORITIES = "AUTHORITIES", _("authorities")
    OTHER = "OTHER", _("other")


class DeathReportState(models.TextChoices):
    AWAITING_SECOND = "AWAITING_SECOND", _("awaiting a second confirmation")
    CONFIRMED = "CONFIRMED", _("confirmed")
    REJECTED = "REJECTED", _("rejected")


class DeathReport(models.Model):
    """A death reported to the register. It reaches the register only when a second person,
    not the one who reported it, confirms it (the rule roll-call death reviews follow)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="death_reports")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=DeathSource.choices)
    died_on = models.DateField()
    note = models.TextField()
    state = models.CharField(max_length=16, choices=DeathReportState.choices, default=DeathReportState.AWAITING_SECOND)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="AWAITING_SECOND"), name="one_open_death_report_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"death report {self.pk} of {self.person_id}"
