"""Incidents, their evidence, alerts to protection staff, and post-incident roll calls.

Incident narratives, perpetrator details, the persons affected, evidence and roll-call
results name or concern individuals: they are restricted like RSD data (DOMAIN 8.2, D4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from asylon.registry.models import Location, Person, Presence, Site


class IncidentKind(models.TextChoices):
    ARMED_ATTACK = "ARMED_ATTACK", _("armed attack (shelling, rockets, shooting, raid)")
    THREAT = "THREAT", _("threat or intimidation")
    ARREST_DETENTION = "ARREST_DETENTION", _("arrest or detention")
    MOVEMENT_RESTRICTION = "MOVEMENT_RESTRICTION", _("restriction of movement")
    DENIAL_HUMANITARIAN_ACCESS = "DENIAL_HUMANITARIAN_ACCESS", _("denial of humanitarian access or supplies")
    DENIAL_MEDICAL_ACCESS = "DENIAL_MEDICAL_ACCESS", _("denial of medical access")
    DEATH = "DEATH", _("death")
    INJURY = "INJURY", _("injury")
    DISAPPEARANCE = "DISAPPEARANCE", _("disappearance")
    PROPERTY = "PROPERTY", _("seizure or destruction of property")
    REFOULEMENT_RISK = "REFOULEMENT_RISK", _("refoulement risk (extradition request, deportation, pressure)")
    OTHER = "OTHER", _("other")


class TimePrecision(models.TextChoices):
    MINUTE = "MINUTE", _("to the minute")
    HOUR = "HOUR", _("to the hour")
    DAY = "DAY", _("day only")
    MONTH = "MONTH", _("month only")
    ESTIMATED = "ESTIMATED", _("estimated")


class Verification(models.TextChoices):
    UNVERIFIED = "UNVERIFIED", _("unverified")
    CREDIBLE = "CREDIBLE", _("credible")
    CONFIRMED = "CONFIRMED", _("confirmed")


class Severity(models.IntegerChoices):
    LOW = 1, _("1 low")
    MODERATE = 2, _("2 moderate")
    SERIOUS = 3, _("3 serious")
    CRITICAL = 4, _("4 critical")


class PerpetratorCategory(models.TextChoices):
    STATE_FORCES = "STATE_FORCES", _("state forces")
    ARMED_GROUP = "ARMED_GROUP", _("armed group")
    UNKNOWN = "UNKNOWN", _("unknown")
    OTHER = "OTHER", _("other")


class IncidentStatus(models.TextChoices):
    OPEN = "OPEN", _("open")
    FOLLOW_UP = "FOLLOW_UP", _("under follow-up")
    CLOSED = "CLOSED", _("closed")


class Incident(models.Model):
    reference = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents")
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text=_("Block or unit"),
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    kind = models.CharField(max_length=28, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    occurred_precision = models.CharField(max_length=10, choices=TimePrecision.choices, default=TimePrecision.MINUTE)
    reported_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=200, blank=True, help_text=_("Who reported it and how"))
    verification = models.CharField(max_length=10, choices=Verification.choices, default=Verification.UNVERIFIED)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    perpetrator_category = models.CharField(
        max_length=14, choices=PerpetratorCategory.choices, default=PerpetratorCategory.UNKNOWN
    )
    # Restricted (D4): only roles with incidents.view_restricted_incident, and the reporter.
    perpetrator_detail = models.TextField(blank=True)
    narrative = models.TextField(blank=True)
    # `killed` and `missing` are the figures everyone reads: the larger of the figure reported
    # (typed by a person, `*_reported`) and the deaths and disappearances confirmed in the
    # register for this incident. services.refresh_casualties is their only writer after
    # creation, so a corrected presence takes the figure back down.
    killed = models.PositiveIntegerField(default=0)
    injured = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    killed_reported = models.PositiveIntegerField(default=0)
    missing_reported = models.PositiveIntegerField(default=0)
    detained = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["site", "-occurred_at"]),
            models.Index(fields=["site", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=4), name="incident_severity_1_4"),
            models.CheckConstraint(
                condition=Q(status="CLOSED", closed_at__isnull=False)
                | (~Q(status="CLOSED") & Q(closed_at__isnull=True)),
                name="incident_closed_at_iff_closed",
            ),
        ]
        permissions = [("view_restricted_incident", "Can see narratives, perpetrators and affected persons")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"


class Harm(models.TextChoices):
    KILLED = "KILLED", _("killed")
    INJURED = "INJURED", _("injured")
    MISSING = "MISSING", _("missing")
    DETAINED = "DETAINED", _("detained")
    ABDUCTED = "ABDUCTED", _("abducted")
    THREATENED = "THREATENED", _("threatened")
    OTHER = "OTHER", _("other")


class AffectedPerson(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="affected")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incidents_affecting")
    harm = models.CharField(max_length=10, choices=Harm.choices)
    note = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="affected_once_per_incident")]


class FollowUp(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="follow_ups")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["site", "done_at", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="followup_done_by_with_done_at",
            )
        ]


class Evidence(models.Model):
    """A file attached to an incident, stored under MEDIA_ROOT/evidence/<sha256 prefix>/<sha256>."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sha256"], name="evidence_once_per_incident"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class CustodyAction(models.TextChoices):
    UPLOADED = "UPLOADED", _("uploaded")
    DOWNLOADED = "DOWNLOADED", _("downloaded")
    HANDED_OVER = "HANDED_OVER", _("handed over")
    INTEGRITY_FAILED = "INTEGRITY_FAILED", _("integrity check failed")


class CustodyEntry(models.Model):
    """One link of an evidence item's chain of custody. Append-only; mirrored in the audit trail."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16, choices=CustodyAction.choices)
    recipient = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    sha256_seen = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]


# --- alerts -------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    INCIDENT = "INCIDENT", _("incident")
    THREAT = "THREAT", _("threat")
    SAFEGUARD_REFUSAL = "SAFEGUARD_REFUSAL", _("safeguard refusal")
    ROLL_CALL = "ROLL_CALL", _("roll call")
    EVIDENCE_INTEGRITY = "EVIDENCE_INTEGRITY", _("evidence integrity")


class Alert(models.Model):
    """Something protection officers of a site must know at once. Carries no personal data.

    `title` and `body` are the text as sent (English for an alert kept as messages, which is
    what leaves by webhook); `message` keeps the same as messages with their parameters
    (`safeguards.messages`), so that each reader sees it in their own language, countries by
    name, figures and dates in their digits and calendar (`shown_title`, `shown_body`). An
    alert raised before messages were kept has no `message` and is shown as stored.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # {"title": stored message, "body": [stored message, ...]}; {} for an alert stored as text.
    message = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text=_("e.g. incidents.incident:12"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("receive_alerts", "Receives the site's protection alerts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (as stored for an alert kept as text)."""
        from asylon.core.messages import render

        return render(self.message["title"]) if self.message.get("title") else self.title

    @property
    def shown_body(self) -> str:
        """The body's lines in the active language, one per line."""
        from asylon.core.messages import render

        if "body" not in self.message:
            return self.body
        return "\n".join(render(line) for line in self.message["body"])


class Notification(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-alert__created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="notification_once_per_user")]


class Channel(models.TextChoices):
    EMAIL = "EMAIL", _("e-mail")
    WEBHOOK = "WEBHOOK", _("webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", _("pending")
    SENT = "SENT", _("sent")
    FAILED = "FAILED", _("failed (gave up; retry by hand)")


class Delivery(models.Model):
    """One attempt-tracked sending of an alert. The database is the queue: nothing is lost."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=300, help_text=_("E-mail address or webhook URL"))
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class SiteWebhook(models.Model):
    """The protection presence's own system, told of a site's alerts by a signed POST."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="webhook")
    url = models.URLField()
    secret = models.CharField(max_length=128)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.site.code} → {self.url}"


# --- roll calls -----------------------------------------------------------------------------


class RollCallState(models.TextChoices):
    OPEN = "OPEN", _("open")
    CLOSED = "CLOSED", _("closed")


class RollCallResult(models.TextChoices):
    NOT_YET_CHECKED = "NOT_YET_CHECKED", _("not yet checked")
    ACCOUNTED_SAFE = "ACCOUNTED_SAFE", _("safe")
    INJURED = "INJURED", _("injured")
    DECEASED = "DECEASED", _("dead")
    MISSING = "MISSING", _("missing")
    NOT_FOUND = "NOT_FOUND", _("not found")
    ABSENT_KNOWN = "ABSENT_KNOWN", _("absent, whereabouts known")


class RollCallChannel(models.TextChoices):
    """How a mark reached the system: a phone, or a paper sheet entered afterwards."""

    PHONE = "PHONE", _("phone")
    PAPER = "PAPER", _("paper sheet")


ACCOUNTED = {
    RollCallResult.ACCOUNTED_SAFE,
    RollCallResult.INJURED,
    RollCallResult.DECEASED,
    RollCallResult.ABSENT_KNOWN,
}


class RollCall(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="roll_calls")
    blocks = models.ManyToManyField(Location, blank=True, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="roll_calls")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=6, choices=RollCallState.choices, default=RollCallState.OPEN)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        permissions = [
            ("mark_rollcall", "Can mark persons in a roll call"),
            ("close_rollcall", "Can close a roll call and read its report"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="CLOSED", closed_at__isnull=False) | Q(state="OPEN", closed_at__isnull=True),
                name="rollcall_closed_at_iff_closed",
            )
        ]

    def __str__(self) -> str:
        return f"roll call {self.pk} at {self.site.code}"


class RollCallEntry(models.Model):
    """One expected person. A mark replaces the stored one only if its client time is newer."""

    roll_call = models.ForeignKey(RollCall, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=16, choices=RollCallResult.choices, default=RollCallResult.NOT_YET_CHECKED)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=5, choices=RollCallChannel.choices, default=RollCallChannel.PHONE)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["roll_call", "result"])]
        constraints = [models.UniqueConstraint(fields=["roll_call", "person"], name="rollcall_person_once")]


# --- reviews of what a roll call saw ---------------------------------------------------------


class PresenceReviewState(models.TextChoices):
    PENDING = "PENDING", _("awaiting review")
    AWAITING_SECOND = "AWAITING_SECOND", _("awaiting a second confirmation")
    CONFIRMED = "CONFIRMED", _("confirmed")
    REJECTED = "REJECTED", _("rejected")


OPEN_REVIEW_STATES = (PresenceReviewState.PENDING, PresenceReviewState.AWAITING_SECOND)


class PresenceReview(models.Model):
    """A roll call's "dead", "missing" or "not found" mark, waiting for a protection officer.

    The mark is an observation (DOMAIN 9.2): the register's presence and the incident's
    casualties change only when the review is confirmed, by two different people for a death.
    """

    roll_call = models.ForeignKey(RollCall, on_delete=models.PROTECT, related_name="reviews")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    observed = models.CharField(max_length=16, choices=RollCallResult.choices)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField(null=True, blank=True)
    proposed = models.CharField(max_length=12, choices=Presence.choices)
    state = models.CharField(max_length=16, choices=PresenceReviewState.choices, default=PresenceReviewState.PENDING)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text=_("How it is known: body identified, hospital record, witness")
    )
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["roll_call", "person__reference"]
        indexes = [models.Index(fields=["site", "state"])]
        permissions = [
            ("review_presence", "Can confirm or reject a death or disappearance and correct a person's presence")
        ]
        constraints = [
            models.UniqueConstraint(fields=["roll_call", "person"], name="presence_review_once_per_roll_call"),
            models.CheckConstraint(
                condition=Q(proposed__in=["DECEASED", "MISSING"]), name="presence_review_deceased_or_missing"
            ),
            # A death is confirmed by two different people: the database refuses one person twice.
            models.CheckConstraint(
                condition=Q(second_by__isnull=True) | ~Q(second_by=F("first_by")),
                name="presence_review_two_people",
            ),
            models.CheckConstraint(
                condition=~Q(state="CONFIRMED", proposed="DECEASED") | Q(second_by__isnull=False),
                name="presence_review_death_confirmed_twice",
            ),
        ]

    def __str__(self) -> str:
        return f"review of {self.person_id} in roll call {self.roll_call_id}: {self.proposed} ({self.state})"
