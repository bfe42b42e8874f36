"""A fresh database's reports: the models as migrations 0001 to 0006 leave them, each created once
with its indexes and constraints, and Django's migration state rendered once for all of them
(core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database with
any of the replaced migrations applied keeps going through them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels


class Migration(migrations.Migration):
    replaces = [
        ("reports", "0001_initial"),
        ("reports", "0002_imports_exports"),
        ("reports", "0003_imported_persons"),
        ("reports", "0004_import_run_worker_heartbeat"),
        ("reports", "0005_import_roster_shape"),
        ("reports", "0006_import_queued"),
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
                    name="ImportSource",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("mapping", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "roster",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Where the household's head is: the main sheet or the repeat rows",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="ReportRun",
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
                                    ("SITREP", "situation report"),
                                    ("STATISTICS_CSV", "statistics (CSV with HXL hashtags)"),
                                    ("HH_BY_BLOCK", "households by block (HXL)"),
                                    ("INCIDENTS_BY_MONTH", "incidents by month and type (HXL)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("period_start", models.DateField(blank=True, null=True)),
                        ("period_end", models.DateField()),
                        ("with_annex", models.BooleanField(default=False, help_text="Has an annex with personal data")),
                        ("requested_at", models.DateTimeField()),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveIntegerField()),
                        (
                            "requested_by",
                            models.ForeignKey(
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
                        "ordering": ["-requested_at", "-pk"],
                        "permissions": [
                            ("view_statistics", "Can see disclosure-controlled statistics"),
                            (
                                "view_unsuppressed_statistics",
                                "Can see internal statistics without small-cell suppression",
                            ),
                            ("generate_sitrep", "Can generate the situation report"),
                            ("generate_sitrep_annex", "Can add the annex with personal data to the situation report"),
                            ("import_registrations", "Can import registrations from CSV or XLSX files"),
                            (
                                "export_personal_data",
                                "Can export persons, households and incidents as files for internal use",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("period_start__isnull", True),
                                    ("period_start__lte", models.F("period_end")),
                                    _connector="OR",
                                ),
                                name="report_period_in_order",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("with_annex", False), ("kind", "SITREP"), _connector="OR"),
                                name="annex_only_on_sitrep",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ImportRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("file_name", models.CharField(max_length=200)),
                        ("sha256", models.CharField(max_length=64)),
                        ("size", models.PositiveBigIntegerField(default=0)),
                        ("mapping", models.JSONField(default=dict)),
                        ("dry_run", models.BooleanField(default=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("QUEUED", "queued (waiting for a worker)"),
                                    ("RUNNING", "running"),
                                    ("DRY_RUN", "checked (dry run)"),
                                    ("COMMITTED", "committed"),
                                    ("FAILED", "failed, nothing written"),
                                    ("INTERRUPTED", "interrupted (its worker stopped), nothing written"),
                                ],
                                default="RUNNING",
                                max_length=12,
                            ),
                        ),
                        ("rows", models.PositiveIntegerField(default=0)),
                        ("households", models.PositiveIntegerField(default=0)),
                        (
                            "created",
                            models.PositiveIntegerField(default=0, help_text="Persons registered (or to register)"),
                        ),
                        (
                            "updated",
                            models.PositiveIntegerField(default=0, help_text="Persons corrected (or to correct)"),
                        ),
                        (
                            "linked",
                            models.PositiveIntegerField(
                                default=0, help_text="Rows decided to be persons already registered"
                            ),
                        ),
                        ("needs_decision", models.PositiveIntegerField(default=0)),
                        ("error_count", models.PositiveIntegerField(default=0)),
                        ("errors", models.JSONField(blank=True, default=list)),
                        (
                            "outcomes",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="Rows that update a person or need a person's decision (capped)",
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "actor",
                            models.ForeignKey(
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
                        (
                            "source",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="runs",
                                to="reports.importsource",
                            ),
                        ),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("worker_host", models.CharField(blank=True, max_length=255)),
                        ("worker_pid", models.PositiveIntegerField(blank=True, null=True)),
                        ("roster", models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        "ordering": ["-started_at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "COMMITTED"), _negated=True),
                                    models.Q(("dry_run", False), ("error_count", 0)),
                                    _connector="OR",
                                ),
                                name="import_committed_without_errors",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ImportedPerson",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "row",
                            models.CharField(
                                help_text='The file row, as the report names it ("12", "members:12")', max_length=80
                            ),
                        ),
                        (
                            "person",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="imported_persons",
                                to="reports.importrun",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["run", "row"], name="reports_imp_run_id_6d9611_idx")],
                    },
                ),
            ]
        ),
    ]
