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


class WorkerBeat(models.Model):
    """A background worker's last sign of life (`asylon worker`, operations/worker.py).

    On PostgreSQL the beat is this row, written on a connection of its own, so that workers on
    several machines see one another. On SQLite (one machine) the beat is a file in the data
    dir instead: a long import holds SQLite's only write lock, and a beat waiting behind it
    would make a busy worker look dead."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id
