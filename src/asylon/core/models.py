"""Small shared model pieces."""

from django.conf import settings
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


class JobStatus(models.TextChoices):
    QUEUED = "QUEUED", _("queued (waiting for a worker)")
    RUNNING = "RUNNING", _("running")
    DONE = "DONE", _("done")
    FAILED = "FAILED", _("failed")


class Job(models.Model):
    """Long work done on the queue for one user (a situation report, a large export, batch
    duplicate detection, a declaration over a large group): its state as the pages show it,
    beside django-tasks' own row (`core/jobs.py`).

    QUEUED until a worker takes it, RUNNING with the worker named, then DONE or FAILED with the
    error. The work writes in one transaction, so a job that failed changed nothing; a file it
    produced lies in the data dir, named here, for the same user only."""

    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    site_code = models.CharField(max_length=20, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
