"""A fresh database's incidents: the models as migrations 0001 to 0004 leave them, each created
once with its indexes and constraints, and Django's migration state rendered once for all of
them (core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database
with any of the replaced migrations applied keeps going through them.

0002's copy of the figures has no incident to read on a fresh database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels


class Migration(migrations.Migration):
    replaces = [
        ("incidents", "0001_initial"),
        ("incidents", "0002_presence_reviews_and_reported_casualties"),
        ("incidents", "0003_alert_message"),
        ("incidents", "0004_roll_call_mark_channel"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("registry", "0004_alter_person_presence"),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="Alert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("INCIDENT", "incident"),
                                    ("THREAT", "threat"),
                                    ("SAFEGUARD_REFUSAL", "safeguard refusal"),
                                    ("ROLL_CALL", "roll call"),
                                    ("EVIDENCE_INTEGRITY", "evidence integrity"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "severity",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "1 low"), (2, "2 moderate"), (3, "3 serious"), (4, "4 critical")]
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("link", models.CharField(blank=True, max_length=300)),
                        (
                            "source",
                            models.CharField(blank=True, help_text="e.g. incidents.incident:12", max_length=100),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="alerts", to="registry.site"
                            ),
                        ),
                        ("message", models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        "ordering": ["-created_at", "-pk"],
                        "permissions": [("receive_alerts", "Receives the site's protection alerts")],
                    },
                ),
                migrations.CreateModel(
                    name="Incident",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True)),
                        ("latitude", models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True)),
                        ("longitude", models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("ARMED_ATTACK", "armed attack (shelling, rockets, shooting, raid)"),
                                    ("THREAT", "threat or intimidation"),
                                    ("ARREST_DETENTION", "arrest or detention"),
                                    ("MOVEMENT_RESTRICTION", "restriction of movement"),
                                    ("DENIAL_HUMANITARIAN_ACCESS", "denial of humanitarian access or supplies"),
                                    ("DENIAL_MEDICAL_ACCESS", "denial of medical access"),
                                    ("DEATH", "death"),
                                    ("INJURY", "injury"),
                                    ("DISAPPEARANCE", "disappearance"),
                                    ("PROPERTY", "seizure or destruction of property"),
                                    (
                                        "REFOULEMENT_RISK",
                                        "refoulement risk (extradition request, deportation, pressure)",
                                    ),
                                    ("OTHER", "other"),
                                ],
                                max_length=28,
                            ),
                        ),
                        ("occurred_at", models.DateTimeField()),
                        (
                            "occurred_precision",
                            models.CharField(
                                choices=[
                                    ("MINUTE", "to the minute"),
                                    ("HOUR", "to the hour"),
                                    ("DAY", "day only"),
                                    ("MONTH", "month only"),
                                    ("ESTIMATED", "estimated"),
                                ],
                                default="MINUTE",
                                max_length=10,
                            ),
                        ),
                        ("reported_at", models.DateTimeField(auto_now_add=True)),
                        ("source", models.CharField(blank=True, help_text="Who reported it and how", max_length=200)),
                        (
                            "verification",
                            models.CharField(
                                choices=[
                                    ("UNVERIFIED", "unverified"),
                                    ("CREDIBLE", "credible"),
                                    ("CONFIRMED", "confirmed"),
                                ],
                                default="UNVERIFIED",
                                max_length=10,
                            ),
                        ),
                        (
                            "severity",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "1 low"), (2, "2 moderate"), (3, "3 serious"), (4, "4 critical")]
                            ),
                        ),
                        (
                            "perpetrator_category",
                            models.CharField(
                                choices=[
                                    ("STATE_FORCES", "state forces"),
                                    ("ARMED_GROUP", "armed group"),
                                    ("UNKNOWN", "unknown"),
                                    ("OTHER", "other"),
                                ],
                                default="UNKNOWN",
                                max_length=14,
                            ),
                        ),
                        ("perpetrator_detail", models.TextField(blank=True)),
                        ("narrative", models.TextField(blank=True)),
                        ("killed", models.PositiveIntegerField(default=0)),
                        ("injured", models.PositiveIntegerField(default=0)),
                        ("missing", models.PositiveIntegerField(default=0)),
                        ("detained", models.PositiveIntegerField(default=0)),
                        (
                            "status",
                            models.CharField(
                                choices=[("OPEN", "open"), ("FOLLOW_UP", "under follow-up"), ("CLOSED", "closed")],
                                default="OPEN",
                                max_length=10,
                            ),
                        ),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "location",
                            models.ForeignKey(
                                blank=True,
                                help_text="Block or unit",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="incidents",
                                to="registry.location",
                            ),
                        ),
                        (
                            "reported_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="incidents",
                                to="registry.site",
                            ),
                        ),
                        ("killed_reported", models.PositiveIntegerField(default=0)),
                        ("missing_reported", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "ordering": ["-occurred_at", "-pk"],
                        "permissions": [
                            ("view_restricted_incident", "Can see narratives, perpetrators and affected persons")
                        ],
                        "indexes": [
                            models.Index(fields=["site", "-occurred_at"], name="incidents_i_site_id_0f0c46_idx"),
                            models.Index(fields=["site", "status"], name="incidents_i_site_id_56ac4a_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("severity__gte", 1), ("severity__lte", 4)),
                                name="incident_severity_1_4",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("closed_at__isnull", False), ("status", "CLOSED")),
                                    models.Q(
                                        models.Q(("status", "CLOSED"), _negated=True), ("closed_at__isnull", True)
                                    ),
                                    _connector="OR",
                                ),
                                name="incident_closed_at_iff_closed",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SiteWebhook",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("url", models.URLField()),
                        ("secret", models.CharField(max_length=128)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "site",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT, related_name="webhook", to="registry.site"
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="AffectedPerson",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "harm",
                            models.CharField(
                                choices=[
                                    ("KILLED", "killed"),
                                    ("INJURED", "injured"),
                                    ("MISSING", "missing"),
                                    ("DETAINED", "detained"),
                                    ("ABDUCTED", "abducted"),
                                    ("THREATENED", "threatened"),
                                    ("OTHER", "other"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200)),
                        ("added_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="incidents_affecting",
                                to="registry.person",
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="affected",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("incident", "person"), name="affected_once_per_incident")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(choices=[("EMAIL", "e-mail"), ("WEBHOOK", "webhook")], max_length=8),
                        ),
                        ("recipient", models.CharField(help_text="E-mail address or webhook URL", max_length=300)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("PENDING", "pending"),
                                    ("SENT", "sent"),
                                    ("FAILED", "failed (gave up; retry by hand)"),
                                ],
                                default="PENDING",
                                max_length=8,
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("next_attempt_at", models.DateTimeField()),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "alert",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="incidents.alert",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-pk"],
                        "indexes": [
                            models.Index(fields=["status", "next_attempt_at"], name="incidents_d_status_8abece_idx")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Evidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveBigIntegerField()),
                        ("content_type", models.CharField(max_length=40)),
                        ("original_name", models.CharField(max_length=200)),
                        ("description", models.CharField(blank=True, max_length=300)),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evidence",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["uploaded_at", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("incident", "sha256"), name="evidence_once_per_incident"),
                            models.CheckConstraint(
                                condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")), name="evidence_sha256_hex"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="FollowUp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(max_length=300)),
                        ("due_on", models.DateField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("done_at", models.DateTimeField(blank=True, null=True)),
                        ("outcome", models.CharField(blank=True, max_length=300)),
                        (
                            "done_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="follow_ups",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="follow_ups",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_on", "pk"],
                        "indexes": [
                            models.Index(fields=["site", "done_at", "due_on"], name="incidents_f_site_id_083641_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("done_at__isnull", True), ("done_by__isnull", True)),
                                    models.Q(("done_at__isnull", False), ("done_by__isnull", False)),
                                    _connector="OR",
                                ),
                                name="followup_done_by_with_done_at",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "alert",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="incidents.alert",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-alert__created_at", "-pk"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="incidents_n_user_id_74a2bc_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("alert", "user"), name="notification_once_per_user")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RollCall",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[("OPEN", "open"), ("CLOSED", "closed")], default="OPEN", max_length=6
                            ),
                        ),
                        ("report", models.JSONField(blank=True, default=dict)),
                        ("blocks", models.ManyToManyField(blank=True, related_name="+", to="registry.location")),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="roll_calls",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="roll_calls",
                                to="registry.site",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-started_at", "-pk"],
                        "permissions": [
                            ("mark_rollcall", "Can mark persons in a roll call"),
                            ("close_rollcall", "Can close a roll call and read its report"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("closed_at__isnull", False), ("state", "CLOSED")),
                                    models.Q(("closed_at__isnull", True), ("state", "OPEN")),
                                    _connector="OR",
                                ),
                                name="rollcall_closed_at_iff_closed",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CustodyEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("UPLOADED", "uploaded"),
                                    ("DOWNLOADED", "downloaded"),
                                    ("HANDED_OVER", "handed over"),
                                    ("INTEGRITY_FAILED", "integrity check failed"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("recipient", models.CharField(blank=True, max_length=200)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("sha256_seen", models.CharField(blank=True, max_length=64)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "evidence",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="custody",
                                to="incidents.evidence",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PresenceReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "observed",
                            models.CharField(
                                choices=[
                                    ("NOT_YET_CHECKED", "not yet checked"),
                                    ("ACCOUNTED_SAFE", "safe"),
                                    ("INJURED", "injured"),
                                    ("DECEASED", "dead"),
                                    ("MISSING", "missing"),
                                    ("NOT_FOUND", "not found"),
                                    ("ABSENT_KNOWN", "absent, whereabouts known"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("observed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "proposed",
                            models.CharField(
                                choices=[
                                    ("PRESENT", "present"),
                                    ("HOSPITALISED", "hospitalised"),
                                    ("DETAINED", "detained"),
                                    ("MISSING", "missing"),
                                    ("DECEASED", "deceased"),
                                    ("DEPARTED", "departed"),
                                    ("MERGED", "merged into another record"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("PENDING", "awaiting review"),
                                    ("AWAITING_SECOND", "awaiting a second confirmation"),
                                    ("CONFIRMED", "confirmed"),
                                    ("REJECTED", "rejected"),
                                ],
                                default="PENDING",
                                max_length=16,
                            ),
                        ),
                        ("first_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "source",
                            models.CharField(
                                blank=True,
                                help_text="How it is known: body identified, hospital record, witness",
                                max_length=300,
                            ),
                        ),
                        ("second_at", models.DateTimeField(blank=True, null=True)),
                        ("rejected_at", models.DateTimeField(blank=True, null=True)),
                        ("rejection_reason", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "first_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "observed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "rejected_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "roll_call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="incidents.rollcall",
                            ),
                        ),
                        (
                            "second_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["roll_call", "person__reference"],
                        "permissions": [
                            (
                                "review_presence",
                                "Can confirm or reject a death or disappearance and correct a person's presence",
                            )
                        ],
                        "indexes": [models.Index(fields=["site", "state"], name="incidents_p_site_id_cdeaf0_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("roll_call", "person"), name="presence_review_once_per_roll_call"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("proposed__in", ["DECEASED", "MISSING"])),
                                name="presence_review_deceased_or_missing",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("second_by__isnull", True),
                                    models.Q(("second_by", models.F("first_by")), _negated=True),
                                    _connector="OR",
                                ),
                                name="presence_review_two_people",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("proposed", "DECEASED"), ("state", "CONFIRMED"), _negated=True),
                                    ("second_by__isnull", False),
                                    _connector="OR",
                                ),
                                name="presence_review_death_confirmed_twice",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RollCallEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "result",
                            models.CharField(
                                choices=[
                                    ("NOT_YET_CHECKED", "not yet checked"),
                                    ("ACCOUNTED_SAFE", "safe"),
                                    ("INJURED", "injured"),
                                    ("DECEASED", "dead"),
                                    ("MISSING", "missing"),
                                    ("NOT_FOUND", "not found"),
                                    ("ABSENT_KNOWN", "absent, whereabouts known"),
                                ],
                                default="NOT_YET_CHECKED",
                                max_length=16,
                            ),
                        ),
                        ("marked_at", models.DateTimeField(blank=True, null=True)),
                        ("client_id", models.CharField(blank=True, max_length=64)),
                        ("version", models.PositiveIntegerField(default=0)),
                        (
                            "marked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "roll_call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="entries",
                                to="incidents.rollcall",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[("PHONE", "phone"), ("PAPER", "paper sheet")], default="PHONE", max_length=5
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["roll_call", "result"], name="incidents_r_roll_ca_0c870e_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("roll_call", "person"), name="rollcall_person_once")
                        ],
                    },
                ),
            ]
        ),
    ]
