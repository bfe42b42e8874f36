"""Every generated report is recorded: who asked for it, for which site and period, and the
checksum of what left the system (DOMAIN.md 8.2, D6). The model also carries the reports
app's permissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    SITREP = "SITREP", _("situation report")
    STATISTICS_CSV = "STATISTICS_CSV", _("statistics (CSV with HXL hashtags)")


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
