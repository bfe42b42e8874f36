"""Every generated report is recorded: who asked for it, for which site and period, and the
checksum of what left the system (DOMAIN.md 8.2, D6). The model also carries the reports
app's permissions.

Imports keep their column mappings per source (`ImportSource`) and one record per
attempt (`ImportRun`): the file's checksum, the counts, the problems found and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    SITREP = "SITREP", _("situation report")
    STATISTICS_CSV = "STATISTICS_CSV", _("statistics (CSV with HXL hashtags)")
    HOUSEHOLDS_BY_BLOCK = "HH_BY_BLOCK", _("households by block (HXL)")
    INCIDENTS_BY_MONTH = "INCIDENTS_BY_MONTH", _("incidents by month and type (HXL)")


class ReportRun(models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField()
    with_annex = models.BooleanField(default=False, help_text=_("Has an annex with personal data"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    objects = models.Manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("view_statistics", "Can see disclosure-controlled statistics"),
            ("view_unsuppressed_statistics", "Can see internal statistics without small-cell suppression"),
            ("generate_sitrep", "Can generate the situation report"),
            ("generate_sitrep_annex", "Can add the annex with personal data to the situation report"),
            ("import_registrations", "Can import registrations from CSV or XLSX files"),
            ("export_personal_data", "Can export persons, households and incidents as files for internal use"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True) | models.Q(period_start__lte=models.F("period_end")),
                name="report_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(with_annex=False) | models.Q(kind="SITREP"), name="annex_only_on_sitrep"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.site_id} {self.period_start}..{self.period_end}"


class ImportSource(models.Model):
    """Where registrations come from (a KoboToolbox form, a hand-kept sheet) and how its columns
    map onto households and persons: {"header": "target", ...}. Guessed on first use, then kept,
    with the shape of its household roster when it has repeat groups (`imports.mapping.Roster`)."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField(default=dict)
    roster = models.JSONField(
        default=dict, blank=True, help_text=_("Where the household's head is: the main sheet or the repeat rows")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "QUEUED", _("queued (waiting for a worker)")
    RUNNING = "RUNNING", _("running")
    DRY_RUN = "DRY_RUN", _("checked (dry run)")
    COMMITTED = "COMMITTED", _("committed")
    FAILED = "FAILED", _("failed, nothing written")
    INTERRUPTED = "INTERRUPTED", _("interrupted (its worker stopped), nothing written")


class ImportRun(models.Model):
    """One attempt at importing a file, dry run or real. Problems are kept capped (the first
    `MAX_STORED_ERRORS`); `error_count` is the full count.

    A running import names its worker (process id and host) and beats a heartbeat as its chunks
    progress, outside its own transaction; a run whose worker is gone reads as interrupted
    (`imports.services.settle_interrupted`)."""

    MAX_STORED_ERRORS = 1000

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(ImportSource, null=True, blank=True, on_delete=models.PROTECT, related_name="runs")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    roster = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0, help_text=_("Persons registered (or to register)"))
    updated = models.PositiveIntegerField(default=0, help_text=_("Persons corrected (or to correct)"))
    linked = models.PositiveIntegerField(default=0, help_text=_("Rows decided to be persons already registered"))
    needs_decision = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(
        default=list, blank=True, help_text=_("Rows that update a person or need a person's decision (capped)")
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process and machine running the import, and its last sign of life written on a
    # connection of its own (PostgreSQL; on SQLite the import holds the only write lock, so the
    # sign of life is the progress file in the data dir).
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="COMMITTED") | models.Q(dry_run=False, error_count=0),
                name="import_committed_without_errors",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportedPerson(models.Model):
    """A person a committed import registered, and the file row it came from. The import's one
    audit event carries the count and a digest of these references, so the list is checkable."""

    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="imported_persons")
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="+")
    row = models.CharField(max_length=80, help_text=_('The file row, as the report names it ("12", "members:12")'))

    class Meta:
        indexes = [models.Index(fields=["run", "row"])]

    def __str__(self) -> str:
        return f"{self.person_id} from import {self.run_id} row {self.row}"


class PersonalDataExport(models.Model):
    """D6: one record export of personal data that left the system (a refused one leaves none:
    its audit event records the refusal). The persons it carried are its `ExportedPerson` rows;
    its one audit event (`export.personal_data`, this row as its object) holds their count and
    a digest of their references in file order, so the list is checkable against the chain."""

    site = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40, help_text=_("The register exported (persons, households)"))
    format = models.CharField(max_length=8)
    purpose = models.CharField(max_length=500)
    recipient = models.CharField(max_length=200)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk} of site {self.site_id}"


class ExportedPerson(models.Model):
    """A person whose data an export carried, and the file row that named them (a household
    row names each of its members)."""

    export = models.ForeignKey(PersonalDataExport, on_delete=models.PROTECT, related_name="persons")
    row = models.PositiveIntegerField(help_text=_("The file row, counting the header as row 1"))
    reference = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["export", "row", "pk"]
        indexes = [models.Index(fields=["export", "row"])]

    def __str__(self) -> str:
        return f"{self.reference} in export {self.export_id} row {self.row}"
