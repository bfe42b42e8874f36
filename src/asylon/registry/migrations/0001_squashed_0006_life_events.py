"""A fresh database's registry: the models as migrations 0001 to 0006 leave them, each created once
with its indexes and constraints, and Django's migration state rendered once for all of them
(core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database with
any of the replaced migrations applied keeps going through them.

As 0002, the specific-need codes are loaded."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels
from asylon.registry.specific_needs import load


class Migration(migrations.Migration):
    replaces = [
        ("registry", "0001_initial"),
        ("registry", "0002_specific_need_codes"),
        ("registry", "0003_person_site_reference_index"),
        ("registry", "0004_alter_person_presence"),
        ("registry", "0005_person_photo"),
        ("registry", "0006_life_events"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="ReferenceCounter",
                    fields=[
                        ("prefix", models.CharField(max_length=12, primary_key=True, serialize=False)),
                        ("last_number", models.PositiveBigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name="Site",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "code",
                            models.CharField(help_text="Prefix of references, e.g. LIB", max_length=8, unique=True),
                        ),
                        ("name", models.CharField(max_length=120)),
                        ("host_country", django_countries.fields.CountryField(max_length=2)),
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
                        ("designated_on", models.DateField(blank=True, null=True)),
                        ("capacity", models.PositiveIntegerField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__regex", "^[A-Z]{2,8}$")), name="site_code_upper"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SpecificNeedCode",
                    fields=[
                        ("code", models.CharField(max_length=8, primary_key=True, serialize=False)),
                        ("category", models.CharField(max_length=2)),
                        ("label", models.CharField(max_length=120)),
                        (
                            "restricted",
                            models.BooleanField(default=False, help_text="Details visible to protection roles only"),
                        ),
                        ("valid_from", models.DateField(blank=True, null=True)),
                        ("valid_to", models.DateField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Location",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(choices=[("BLOCK", "block"), ("UNIT", "unit")], max_length=8)),
                        ("name", models.CharField(max_length=60)),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="registry.location",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="locations",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["site", "name"],
                        "constraints": [
                            models.UniqueConstraint(fields=("site", "parent", "name"), name="location_unique_name"),
                            models.UniqueConstraint(
                                condition=models.Q(("parent__isnull", True)),
                                fields=("site", "name"),
                                name="block_unique_name",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "BLOCK"), ("parent__isnull", True)),
                                    models.Q(("kind", "UNIT"), ("parent__isnull", False)),
                                    _connector="OR",
                                ),
                                name="location_unit_has_block",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Household",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("reference", models.CharField(max_length=20, unique=True)),
                        ("arrival_date", models.DateField(blank=True, null=True)),
                        ("closed_on", models.DateField(blank=True, null=True)),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="households",
                                to="registry.location",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="households",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["reference"],
                    },
                ),
                migrations.CreateModel(
                    name="Person",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("reference", models.CharField(max_length=20, unique=True)),
                        ("given_name", models.CharField(max_length=100)),
                        ("fathers_name", models.CharField(blank=True, max_length=100)),
                        ("family_name", models.CharField(blank=True, max_length=100)),
                        ("given_name_original", models.CharField(blank=True, max_length=100)),
                        ("fathers_name_original", models.CharField(blank=True, max_length=100)),
                        ("family_name_original", models.CharField(blank=True, max_length=100)),
                        (
                            "sex",
                            models.CharField(
                                choices=[("F", "female"), ("M", "male"), ("X", "other"), ("U", "unknown")], max_length=1
                            ),
                        ),
                        ("date_of_birth", models.DateField(blank=True, null=True)),
                        (
                            "dob_precision",
                            models.CharField(
                                choices=[
                                    ("EXACT", "exact"),
                                    ("MONTH", "year and month"),
                                    ("YEAR", "year only"),
                                    ("ESTIMATED", "estimated"),
                                ],
                                default="EXACT",
                                max_length=10,
                            ),
                        ),
                        ("nationality", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("country_of_origin", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("stateless", models.BooleanField(default=False)),
                        (
                            "languages",
                            models.CharField(blank=True, help_text="ISO 639 codes, comma separated", max_length=100),
                        ),
                        ("registered_on", models.DateField()),
                        (
                            "presence",
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
                                default="PRESENT",
                                max_length=14,
                            ),
                        ),
                        ("biometric_ref", models.CharField(blank=True, max_length=64)),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="residents",
                                to="registry.location",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="persons", to="registry.site"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["reference"],
                        "permissions": [
                            (
                                "view_sensitive",
                                "Can see sensitive fields (religion, ethnicity, political profile, medical, torture)",
                            ),
                            ("change_sensitive", "Can change sensitive fields"),
                        ],
                        "indexes": [
                            models.Index(
                                fields=["site", "presence", "reference"], name="registry_pe_site_id_c816a9_idx"
                            ),
                            models.Index(fields=["site", "date_of_birth"], name="registry_pe_site_id_5289f3_idx"),
                            models.Index(fields=["site", "sex"], name="registry_pe_site_id_71d5da_idx"),
                            models.Index(fields=["unit"], name="registry_pe_unit_id_b632e4_idx"),
                            models.Index(fields=["site", "reference"], name="registry_pe_site_id_007831_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DeathReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("CLINIC", "clinic or hospital"),
                                    ("FAMILY", "family"),
                                    ("ROLL_CALL", "roll call"),
                                    ("AUTHORITIES", "authorities"),
                                    ("OTHER", "other"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("died_on", models.DateField()),
                        ("note", models.TextField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("AWAITING_SECOND", "awaiting a second confirmation"),
                                    ("CONFIRMED", "confirmed"),
                                    ("REJECTED", "rejected"),
                                ],
                                default="AWAITING_SECOND",
                                max_length=16,
                            ),
                        ),
                        ("reported_at", models.DateTimeField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_reason", models.TextField(blank=True)),
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
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="death_reports",
                                to="registry.person",
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
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reported_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("state", "AWAITING_SECOND")),
                                fields=("person",),
                                name="one_open_death_report_per_person",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "relationship",
                            models.CharField(
                                choices=[
                                    ("PA", "principal applicant"),
                                    ("SPOUSE", "spouse or partner"),
                                    ("CHILD", "child"),
                                    ("PARENT", "parent"),
                                    ("SIBLING", "sibling"),
                                    ("GRANDCHILD", "grandchild"),
                                    ("RELATIVE", "other relative"),
                                    ("NON_RELATIVE", "non-relative dependant"),
                                ],
                                max_length=14,
                            ),
                        ),
                        ("started_on", models.DateField()),
                        ("ended_on", models.DateField(blank=True, null=True)),
                        (
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to="registry.household",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["household", "ended_on"], name="registry_me_househo_bf0eef_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("ended_on__isnull", True)),
                                fields=("person",),
                                name="one_current_household_per_person",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("ended_on__isnull", True), ("relationship", "PA")),
                                fields=("household",),
                                name="one_principal_applicant_per_household",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("ended_on__isnull", True),
                                    ("ended_on__gte", models.F("started_on")),
                                    _connector="OR",
                                ),
                                name="membership_ends_after_start",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Parentage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("role", models.CharField(choices=[("MOTHER", "mother"), ("FATHER", "father")], max_length=6)),
                        (
                            "child",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="parents",
                                to="registry.person",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("child", "role"), name="one_parent_per_role"),
                            models.CheckConstraint(
                                condition=models.Q(("child", models.F("parent")), _negated=True),
                                name="parent_is_another_person",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PersonPhoto",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sha256", models.CharField(max_length=64)),
                        ("content_type", models.CharField(max_length=20)),
                        ("size", models.PositiveIntegerField()),
                        ("current", models.BooleanField(default=True)),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="photos", to="registry.person"
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
                    ],
                    options={
                        "ordering": ["person", "-uploaded_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("current", True)),
                                fields=("person",),
                                name="one_current_photo_per_person",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")), name="person_photo_sha256_hex"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SensitiveProfile",
                    fields=[
                        (
                            "person",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                primary_key=True,
                                related_name="sensitive",
                                serialize=False,
                                to="registry.person",
                            ),
                        ),
                        ("religion", models.CharField(blank=True, max_length=100)),
                        ("ethnicity", models.CharField(blank=True, max_length=100)),
                        ("political_profile", models.TextField(blank=True)),
                        ("medical_notes", models.TextField(blank=True)),
                        ("torture_survivor", models.BooleanField(blank=True, null=True)),
                    ],
                ),
                migrations.CreateModel(
                    name="SpecificNeed",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("recorded_on", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("FLAGGED", "flagged"),
                                    ("CONFIRMED", "confirmed"),
                                    ("RESOLVED", "resolved"),
                                    ("REJECTED", "rejected"),
                                ],
                                default="FLAGGED",
                                max_length=10,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="specific_needs",
                                to="registry.person",
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
                            "code",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.specificneedcode",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["code", "person"], name="registry_sp_code_id_71368f_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("person", "code"), name="need_once_per_person")
                        ],
                    },
                ),
            ]
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
