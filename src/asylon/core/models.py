"""Small shared model pieces."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How much of a date is known. A year-only date is stored as 1 July of that year with YEAR."""

    EXACT = "EXACT", _("exact")
    MONTH = "MONTH", _("year and month")
    YEAR = "YEAR", _("year only")
    ESTIMATED = "ESTIMATED", _("estimated")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
