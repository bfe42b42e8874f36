"""A fresh database's status tables: the models as migrations 0001 to 0004 leave them, each created
once with its indexes and constraints, and Django's migration state rendered once for all of
them (core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database
with any of the replaced migrations applied keeps going through them.

As 0004, the entries' table keeps half of each page free on PostgreSQL."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels, LazyRunPython

FILLFACTOR = 50


def fillfactor(value: int | None):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("status", "StatusEntry")._meta.db_table)
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return run


class Migration(migrations.Migration):
    replaces = [
        ("status", "0001_initial"),
        ("status", "0002_ending_notification_and_appeal"),
        ("status", "0003_status_entry_redundant_indexes"),
        ("status", "0004_status_entry_bulk_writes"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("registry", "0006_life_events"),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="EndingProcedure",
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
                                    ("CESSATION", "cessation (Art. 1C)"),
                                    ("CANCELLATION", "cancellation"),
                                    ("REVOCATION", "revocation (Art. 1F(a)/(c) after recognition)"),
                                ],
                                max_length=14,
                            ),
                        ),
                        ("clause", models.CharField(help_text="e.g. 1C(5)", max_length=20)),
                        ("opened_on", models.DateField()),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("OPEN", "open"),
                                    ("ENDED", "status ended"),
                                    ("MAINTAINED", "status maintained"),
                                ],
                                default="OPEN",
                                max_length=10,
                            ),
                        ),
                        ("reasons", models.TextField(blank=True)),
                        ("decided_on", models.DateField(blank=True, null=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "opened_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="ending_procedures",
                                to="registry.person",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                        ("appeal_deadline", models.DateField(blank=True, help_text="last day to appeal", null=True)),
                        (
                            "appeal_decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("appeal_decided_on", models.DateField(blank=True, null=True)),
                        ("appeal_decision_reasons", models.TextField(blank=True)),
                        ("appeal_lodged_on", models.DateField(blank=True, null=True)),
                        (
                            "appeal_outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("UPHELD", "ending upheld"),
                                    ("OVERTURNED", "ending overturned, status restored"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("appeal_reasons", models.TextField(blank=True)),
                        ("notified_on", models.DateField(blank=True, null=True)),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("outcome", "OPEN")),
                                fields=("person",),
                                name="one_open_ending_procedure",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("notified_on__isnull", True),
                                    models.Q(("outcome", "OPEN"), _negated=True),
                                    _connector="OR",
                                ),
                                name="ending_notified_after_decision",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("appeal_lodged_on__isnull", True),
                                    models.Q(("notified_on__isnull", False), ("outcome", "ENDED")),
                                    _connector="OR",
                                ),
                                name="ending_appeal_after_notified_ending",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("appeal_decided_on__isnull", True),
                                    ("appeal_lodged_on__isnull", False),
                                    _connector="OR",
                                ),
                                name="ending_appeal_decided_after_lodged",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="GroupDeclaration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("nationality", django_countries.fields.CountryField(max_length=2)),
                        (
                            "cutoff_kind",
                            models.CharField(
                                choices=[("ARRIVAL", "arrived before"), ("REGISTRATION", "registered before")],
                                max_length=12,
                            ),
                        ),
                        ("cutoff_date", models.DateField()),
                        (
                            "ethnicity",
                            models.CharField(
                                blank=True, help_text="Optional: only this specific group", max_length=100
                            ),
                        ),
                        ("effective_on", models.DateField()),
                        (
                            "legal_basis",
                            models.CharField(
                                choices=[
                                    ("1951_CONV", "1951 Convention / 1967 Protocol"),
                                    ("OAU_1969", "1969 OAU Convention"),
                                    ("CARTAGENA", "Cartagena Declaration"),
                                    ("UNHCR_MANDATE_EXTENDED", "UNHCR extended mandate"),
                                    ("NATIONAL_LAW", "national law"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "recognised_by",
                            models.CharField(
                                choices=[
                                    ("UNHCR", "UNHCR (mandate)"),
                                    ("HOST_STATE", "host state"),
                                    ("OTHER_STATE", "other state"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("legal_basis_text", models.TextField()),
                        ("declared_at", models.DateTimeField()),
                        ("applied_count", models.PositiveIntegerField(default=0)),
                        ("skipped", models.JSONField(blank=True, default=list)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("revoke_reason", models.TextField(blank=True)),
                        ("reverted_count", models.PositiveIntegerField(default=0)),
                        (
                            "declared_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "revoked_by",
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="group_declarations",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-declared_at"],
                        "permissions": [("revoke_groupdeclaration", "Can revoke a group declaration")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("revoked_at__isnull", True),
                                    models.Q(("revoke_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="revocation_has_reason",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RsdCase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("REGISTERED", "registered"),
                                    ("INTERVIEW_SCHEDULED", "interview scheduled"),
                                    ("NO_SHOW", "did not attend"),
                                    ("INTERVIEWED", "interviewed"),
                                    ("ASSESSED", "assessed"),
                                    ("EXCLUSION_REVIEW", "exclusion review (Art. 1F indicated)"),
                                    ("EXCLUSION_ASSESSED", "exclusion assessed"),
                                    ("DECIDED", "decided"),
                                    ("NOTIFIED", "notified"),
                                    ("APPEAL_LODGED", "appeal lodged"),
                                    ("APPEAL_DECIDED", "appeal decided"),
                                    ("CLOSED", "closed"),
                                    ("CLOSED_ABANDONED", "closed (abandoned)"),
                                    ("REOPENED", "reopened"),
                                ],
                                default="REGISTERED",
                                max_length=20,
                            ),
                        ),
                        ("state_since", models.DateField()),
                        ("registered_on", models.DateField()),
                        ("interview_on", models.DateField(blank=True, null=True)),
                        ("interview_notes", models.TextField(blank=True)),
                        ("no_shows", models.PositiveSmallIntegerField(default=0)),
                        ("assessment", models.TextField(blank=True)),
                        (
                            "recommendation",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("RECOGNISED", "recognised"),
                                    ("REJECTED", "rejected"),
                                    ("EXCLUDED", "excluded"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("exclusion_indicated", models.BooleanField(default=False)),
                        ("exclusion_indications", models.TextField(blank=True)),
                        (
                            "exclusion_clause",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("1F_A", "1F(a) crime against peace, war crime, crime against humanity"),
                                    ("1F_B", "1F(b) serious non-political crime"),
                                    ("1F_C", "1F(c) acts contrary to UN purposes and principles"),
                                    ("1D", "1D protection or assistance of another UN agency"),
                                    ("1E", "1E treated as a national of the country of residence"),
                                ],
                                max_length=5,
                            ),
                        ),
                        ("exclusion_assessment", models.TextField(blank=True)),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("RECOGNISED", "recognised"),
                                    ("REJECTED", "rejected"),
                                    ("EXCLUDED", "excluded"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("decision_reasons", models.TextField(blank=True)),
                        ("decision_grounds", models.JSONField(blank=True, default=list)),
                        (
                            "legal_basis",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("1951_CONV", "1951 Convention / 1967 Protocol"),
                                    ("OAU_1969", "1969 OAU Convention"),
                                    ("CARTAGENA", "Cartagena Declaration"),
                                    ("UNHCR_MANDATE_EXTENDED", "UNHCR extended mandate"),
                                    ("NATIONAL_LAW", "national law"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "recognised_by",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("UNHCR", "UNHCR (mandate)"),
                                    ("HOST_STATE", "host state"),
                                    ("OTHER_STATE", "other state"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("decided_on", models.DateField(blank=True, null=True)),
                        ("notified_on", models.DateField(blank=True, null=True)),
                        ("appeal_deadline", models.DateField(blank=True, null=True)),
                        ("appeal_lodged_on", models.DateField(blank=True, null=True)),
                        ("appeal_grounds", models.TextField(blank=True)),
                        (
                            "appeal_outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("RECOGNISED", "recognised"),
                                    ("REJECTED", "rejected"),
                                    ("EXCLUDED", "excluded"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("appeal_reasons", models.TextField(blank=True)),
                        ("appeal_decided_on", models.DateField(blank=True, null=True)),
                        (
                            "reopen_ground",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("MATERIAL_CHANGE", "material change of circumstances"),
                                    ("NEW_EVIDENCE", "reliable new evidence of error"),
                                    ("WRONGLY_DECIDED", "wrongly decided or not properly examined"),
                                    ("APPLICANT_REQUEST", "applicant's request (abandoned file)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "appeal_decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "applicant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rsd_cases_as_applicant",
                                to="registry.person",
                            ),
                        ),
                        (
                            "assigned_officer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "exclusion_assessed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "exclusion_reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "interviewed_by",
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rsd_cases",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["reference"],
                        "permissions": [
                            ("decide_rsdcase", "Can decide RSD cases, exclusion and appeals"),
                            ("view_rsd_confidential", "Can read RSD interview notes, assessments and reasons"),
                        ],
                        "indexes": [
                            models.Index(
                                fields=["site", "state", "state_since"], name="status_rsdc_site_id_45ad6b_idx"
                            ),
                            models.Index(fields=["assigned_officer", "state"], name="status_rsdc_assigne_91566f_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RsdSiteSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("appeal_window_days", models.PositiveSmallIntegerField(default=30)),
                        (
                            "target_days_registered",
                            models.PositiveSmallIntegerField(default=14, help_text="registered → interview set"),
                        ),
                        ("target_days_interview_scheduled", models.PositiveSmallIntegerField(default=30)),
                        ("target_days_interviewed", models.PositiveSmallIntegerField(default=30)),
                        ("target_days_assessed", models.PositiveSmallIntegerField(default=14)),
                        ("target_days_exclusion", models.PositiveSmallIntegerField(default=60)),
                        (
                            "target_days_decided",
                            models.PositiveSmallIntegerField(default=7, help_text="decided → notified"),
                        ),
                        ("target_days_appeal", models.PositiveSmallIntegerField(default=60)),
                        (
                            "site",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rsd_settings",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "RSD settings of a site",
                        "verbose_name_plural": "RSD settings of sites",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("appeal_window_days__gte", 1)), name="appeal_window_positive"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SiteDesignationAct",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "designation",
                            models.CharField(
                                choices=[
                                    ("TTL", "temporary transit location"),
                                    ("REFUGEE_CAMP", "refugee camp"),
                                    ("SETTLEMENT", "settlement"),
                                    ("RECEPTION_CENTRE", "reception centre"),
                                    ("OTHER", "other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("effective_on", models.DateField()),
                        ("legal_basis_text", models.TextField()),
                        (
                            "previous_designation",
                            models.CharField(
                                choices=[
                                    ("TTL", "temporary transit location"),
                                    ("REFUGEE_CAMP", "refugee camp"),
                                    ("SETTLEMENT", "settlement"),
                                    ("RECEPTION_CENTRE", "reception centre"),
                                    ("OTHER", "other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("previous_designated_on", models.DateField(blank=True, null=True)),
                        ("recorded_at", models.DateTimeField()),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("revoke_reason", models.TextField(blank=True)),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "revoked_by",
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="designation_acts",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-recorded_at"],
                        "permissions": [("revoke_sitedesignationact", "Can revoke a site designation act")],
                    },
                ),
                migrations.CreateModel(
                    name="RsdCaseMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("principal", models.BooleanField(default=False)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="members", to="status.rsdcase"
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rsd_memberships",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("case", "person"), name="rsd_member_once"),
                            models.UniqueConstraint(
                                condition=models.Q(("principal", True)), fields=("case",), name="rsd_one_principal"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RsdTransition",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(max_length=24)),
                        (
                            "from_state",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("REGISTERED", "registered"),
                                    ("INTERVIEW_SCHEDULED", "interview scheduled"),
                                    ("NO_SHOW", "did not attend"),
                                    ("INTERVIEWED", "interviewed"),
                                    ("ASSESSED", "assessed"),
                                    ("EXCLUSION_REVIEW", "exclusion review (Art. 1F indicated)"),
                                    ("EXCLUSION_ASSESSED", "exclusion assessed"),
                                    ("DECIDED", "decided"),
                                    ("NOTIFIED", "notified"),
                                    ("APPEAL_LODGED", "appeal lodged"),
                                    ("APPEAL_DECIDED", "appeal decided"),
                                    ("CLOSED", "closed"),
                                    ("CLOSED_ABANDONED", "closed (abandoned)"),
                                    ("REOPENED", "reopened"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "to_state",
                            models.CharField(
                                choices=[
                                    ("REGISTERED", "registered"),
                                    ("INTERVIEW_SCHEDULED", "interview scheduled"),
                                    ("NO_SHOW", "did not attend"),
                                    ("INTERVIEWED", "interviewed"),
                                    ("ASSESSED", "assessed"),
                                    ("EXCLUSION_REVIEW", "exclusion review (Art. 1F indicated)"),
                                    ("EXCLUSION_ASSESSED", "exclusion assessed"),
                                    ("DECIDED", "decided"),
                                    ("NOTIFIED", "notified"),
                                    ("APPEAL_LODGED", "appeal lodged"),
                                    ("APPEAL_DECIDED", "appeal decided"),
                                    ("CLOSED", "closed"),
                                    ("CLOSED_ABANDONED", "closed (abandoned)"),
                                    ("REOPENED", "reopened"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("on", models.DateField()),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("RECOGNISED", "recognised"),
                                    ("REJECTED", "rejected"),
                                    ("EXCLUDED", "excluded"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("appeal_deadline", models.DateField(blank=True, null=True)),
                        ("at", models.DateTimeField()),
                        (
                            "by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transitions",
                                to="status.rsdcase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["case", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="StatusEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("ASYLUM_SEEKER", "asylum seeker"),
                                    ("REFUGEE", "refugee"),
                                    ("REJECTED_FINAL", "finally rejected"),
                                    ("EXCLUDED", "excluded (Art. 1F)"),
                                    ("CEASED", "ceased"),
                                    ("CANCELLED", "cancelled"),
                                    ("REVOKED", "revoked"),
                                    ("CLOSED_ABANDONED", "closed (abandoned)"),
                                    ("DEPARTED_RESETTLED", "departed (resettled)"),
                                    ("DEPARTED_REPATRIATED", "departed (repatriated)"),
                                    ("DEPARTED_OTHER", "departed (other)"),
                                    ("DECEASED", "deceased"),
                                ],
                                max_length=24,
                            ),
                        ),
                        ("effective_on", models.DateField()),
                        (
                            "recognised_by",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("UNHCR", "UNHCR (mandate)"),
                                    ("HOST_STATE", "host state"),
                                    ("OTHER_STATE", "other state"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "determination_mode",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("INDIVIDUAL", "individual determination"),
                                    ("PRIMA_FACIE_GROUP", "prima facie (group)"),
                                    ("PRIMA_FACIE_INDIVIDUAL", "prima facie (individual)"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "legal_basis",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("1951_CONV", "1951 Convention / 1967 Protocol"),
                                    ("OAU_1969", "1969 OAU Convention"),
                                    ("CARTAGENA", "Cartagena Declaration"),
                                    ("UNHCR_MANDATE_EXTENDED", "UNHCR extended mandate"),
                                    ("NATIONAL_LAW", "national law"),
                                ],
                                max_length=24,
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200)),
                        ("recorded_at", models.DateTimeField()),
                        ("reverted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "declaration",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="entries",
                                to="status.groupdeclaration",
                            ),
                        ),
                        (
                            "derivative_of",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.person",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="status_entries",
                                to="registry.person",
                            ),
                        ),
                        (
                            "procedure",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="entries",
                                to="status.endingprocedure",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reverted_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reverted_entries",
                                to="status.groupdeclaration",
                            ),
                        ),
                        (
                            "rsd_case",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="entries",
                                to="status.rsdcase",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "status entries",
                        "ordering": ["person", "id"],
                        "indexes": [
                            models.Index(fields=["person", "id"], name="status_stat_person__ce9527_idx"),
                            models.Index(fields=["declaration"], name="status_stat_declara_ae17aa_idx"),
                            models.Index(
                                condition=models.Q(("derivative_of__isnull", False)),
                                fields=["derivative_of"],
                                name="entry_derivative_of",
                            ),
                            models.Index(
                                condition=models.Q(("rsd_case__isnull", False)),
                                fields=["rsd_case"],
                                name="entry_rsd_case",
                            ),
                            models.Index(
                                condition=models.Q(("procedure__isnull", False)),
                                fields=["procedure"],
                                name="entry_procedure",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "REFUGEE"), _negated=True),
                                    models.Q(
                                        models.Q(("recognised_by", ""), _negated=True),
                                        models.Q(("determination_mode", ""), _negated=True),
                                        models.Q(("legal_basis", ""), _negated=True),
                                    ),
                                    _connector="OR",
                                ),
                                name="refugee_entry_has_recognition",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("reverted_at__isnull", True), ("reverted_by__isnull", True)),
                                    models.Q(("reverted_at__isnull", False), ("reverted_by__isnull", False)),
                                    _connector="OR",
                                ),
                                name="reverted_entry_names_act",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("reverted_by__isnull", True),
                                    models.Q(("declaration__isnull", False), ("reverted_by", models.F("declaration"))),
                                    _connector="OR",
                                ),
                                name="reverted_by_own_declaration",
                            ),
                        ],
                    },
                ),
            ]
        ),
        LazyRunPython(fillfactor(FILLFACTOR), fillfactor(None)),
    ]
