"""A fresh database's solutions: the models as migrations 0001 to 0004 leave them, each created
once with its indexes and constraints, and Django's migration state rendered once for all of
them (core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database
with any of the replaced migrations applied keeps going through them.

0002's count of persons has no case to read on a fresh database."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels


class Migration(migrations.Migration):
    replaces = [
        ("solutions", "0001_initial"),
        ("solutions", "0002_case_persons"),
        ("solutions", "0003_case_member_relationship_choices"),
        ("solutions", "0004_recipient_in_sharing"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("movements", "0002_state_guard"),
        ("registry", "0003_person_site_reference_index"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="ReceivingCountry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2, unique=True)),
                        (
                            "selection_mode",
                            models.CharField(
                                choices=[("DOSSIER", "dossier selection"), ("INTERVIEW", "interview mission")],
                                max_length=10,
                            ),
                        ),
                        ("active", models.BooleanField(default=True)),
                        ("notes", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recipient",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="receiving_country",
                                to="sharing.recipient",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "receiving countries",
                        "ordering": ["country"],
                    },
                ),
                migrations.CreateModel(
                    name="Pledge",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField()),
                        ("places", models.PositiveIntegerField(help_text="Number of persons")),
                        (
                            "categories",
                            models.JSONField(default=list, help_text="Submission categories taken; empty: any"),
                        ),
                        ("max_family_size", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("takes_medical_cases", models.BooleanField(default=True)),
                        ("criteria", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="pledges",
                                to="solutions.receivingcountry",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["country", "year"],
                        "constraints": [
                            models.UniqueConstraint(fields=("country", "year"), name="one_pledge_per_country_year"),
                            models.CheckConstraint(condition=models.Q(("places__gt", 0)), name="pledge_has_places"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ResettlementCase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True)),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("IDENTIFIED", "identified"),
                                    ("ASSESSED", "need assessed"),
                                    ("SUBMITTED", "submitted to a country"),
                                    ("INTERVIEW", "selection interview"),
                                    ("ACCEPTED", "accepted"),
                                    ("REJECTED", "rejected"),
                                    ("EXIT_FORMALITIES", "exit formalities"),
                                    ("DEPARTURE_SCHEDULED", "departure scheduled"),
                                    ("DEPARTED", "departed"),
                                    ("ARRIVED", "arrival confirmed"),
                                    ("CLOSED", "closed"),
                                ],
                                default="IDENTIFIED",
                                max_length=20,
                            ),
                        ),
                        ("stage_since", models.DateTimeField()),
                        (
                            "priority",
                            models.CharField(
                                choices=[("EMERGENCY", "emergency"), ("URGENT", "urgent"), ("NORMAL", "normal")],
                                default="NORMAL",
                                max_length=10,
                            ),
                        ),
                        (
                            "primary_category",
                            models.CharField(
                                choices=[
                                    ("LPP", "legal and/or physical protection needs"),
                                    ("SVT", "survivors of violence and/or torture"),
                                    ("MED", "medical needs"),
                                    ("WGR", "women and girls at risk"),
                                    ("FAM", "restoring family unity"),
                                    ("CAR", "children and adolescents at risk"),
                                    ("LAS", "lack of foreseeable alternative durable solutions"),
                                ],
                                max_length=3,
                            ),
                        ),
                        (
                            "secondary_category",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("LPP", "legal and/or physical protection needs"),
                                    ("SVT", "survivors of violence and/or torture"),
                                    ("MED", "medical needs"),
                                    ("WGR", "women and girls at risk"),
                                    ("FAM", "restoring family unity"),
                                    ("CAR", "children and adolescents at risk"),
                                    ("LAS", "lack of foreseeable alternative durable solutions"),
                                ],
                                max_length=3,
                            ),
                        ),
                        ("need_assessment", models.TextField(blank=True)),
                        ("assessed_on", models.DateField(blank=True, null=True)),
                        (
                            "submitted_on",
                            models.DateField(blank=True, help_text="Start of the priority's target time", null=True),
                        ),
                        ("exit_permit", models.BooleanField(default=False)),
                        ("medical_clearance", models.BooleanField(default=False)),
                        ("travel_documents", models.BooleanField(default=False)),
                        ("departure_date", models.DateField(blank=True, null=True)),
                        ("departed_on", models.DateField(blank=True, null=True)),
                        ("arrived_on", models.DateField(blank=True, null=True)),
                        ("closure_reason", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "assessed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "country",
                            models.ForeignKey(
                                blank=True,
                                help_text="The country of the current submission",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases",
                                to="solutions.receivingcountry",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="resettlement_cases",
                                to="registry.household",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="resettlement_cases",
                                to="registry.site",
                            ),
                        ),
                        (
                            "split_from",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="split_cases",
                                to="solutions.resettlementcase",
                            ),
                        ),
                        (
                            "persons",
                            models.PositiveSmallIntegerField(
                                default=0,
                                help_text="Persons the case carries: its members, less those split off into a case of their own",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["reference"],
                        "permissions": [
                            (
                                "manage_resettlement",
                                "Can manage resettlement cases, submissions, countries and pledges",
                            ),
                            ("view_resettlement_dashboard", "Can see the resettlement dashboard of a site"),
                        ],
                        "indexes": [
                            models.Index(fields=["site", "stage"], name="solutions_r_site_id_cd94f2_idx"),
                            models.Index(fields=["site", "departed_on"], name="solutions_r_site_id_e04982_idx"),
                            models.Index(fields=["country", "stage"], name="solutions_r_country_92fbff_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "stage__in",
                                        [
                                            "IDENTIFIED",
                                            "ASSESSED",
                                            "SUBMITTED",
                                            "INTERVIEW",
                                            "ACCEPTED",
                                            "REJECTED",
                                            "EXIT_FORMALITIES",
                                            "DEPARTURE_SCHEDULED",
                                            "DEPARTED",
                                            "ARRIVED",
                                            "CLOSED",
                                        ],
                                    )
                                ),
                                name="case_stage_known",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("secondary_category", ""),
                                    models.Q(("secondary_category", models.F("primary_category")), _negated=True),
                                    _connector="OR",
                                ),
                                name="case_two_different_categories",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SubmissionBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("fields", models.JSONField(default=list)),
                        ("case_count", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="batches",
                                to="solutions.receivingcountry",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="CaseMember",
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
                        ("active", models.BooleanField(default=True)),
                        (
                            "movement",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="movements.movement",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="resettlement_memberships",
                                to="registry.person",
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="members",
                                to="solutions.resettlementcase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["case", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("active", True)),
                                fields=("person",),
                                name="one_open_case_per_person",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CaseSplit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("person_refs", models.JSONField(default=list)),
                        ("reason", models.TextField()),
                        ("decided_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="splits",
                                to="solutions.resettlementcase",
                            ),
                        ),
                        (
                            "new_case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="split_decision",
                                to="solutions.resettlementcase",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("reason", ""), _negated=True), name="split_has_reason"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StageEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "from_stage",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("IDENTIFIED", "identified"),
                                    ("ASSESSED", "need assessed"),
                                    ("SUBMITTED", "submitted to a country"),
                                    ("INTERVIEW", "selection interview"),
                                    ("ACCEPTED", "accepted"),
                                    ("REJECTED", "rejected"),
                                    ("EXIT_FORMALITIES", "exit formalities"),
                                    ("DEPARTURE_SCHEDULED", "departure scheduled"),
                                    ("DEPARTED", "departed"),
                                    ("ARRIVED", "arrival confirmed"),
                                    ("CLOSED", "closed"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "to_stage",
                            models.CharField(
                                choices=[
                                    ("IDENTIFIED", "identified"),
                                    ("ASSESSED", "need assessed"),
                                    ("SUBMITTED", "submitted to a country"),
                                    ("INTERVIEW", "selection interview"),
                                    ("ACCEPTED", "accepted"),
                                    ("REJECTED", "rejected"),
                                    ("EXIT_FORMALITIES", "exit formalities"),
                                    ("DEPARTURE_SCHEDULED", "departure scheduled"),
                                    ("DEPARTED", "departed"),
                                    ("ARRIVED", "arrival confirmed"),
                                    ("CLOSED", "closed"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("action", models.CharField(max_length=20)),
                        ("at", models.DateTimeField()),
                        ("note", models.TextField(blank=True)),
                        (
                            "actor",
                            models.ForeignKey(
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
                                related_name="stage_entries",
                                to="solutions.resettlementcase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["case", "at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Submission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "priority",
                            models.CharField(
                                choices=[("EMERGENCY", "emergency"), ("URGENT", "urgent"), ("NORMAL", "normal")],
                                max_length=10,
                            ),
                        ),
                        ("submitted_on", models.DateField()),
                        ("interview_on", models.DateField(blank=True, null=True)),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("PENDING", "pending"),
                                    ("ACCEPTED", "accepted"),
                                    ("REJECTED", "rejected"),
                                    ("WITHDRAWN", "withdrawn"),
                                ],
                                default="PENDING",
                                max_length=10,
                            ),
                        ),
                        ("decided_on", models.DateField(blank=True, null=True)),
                        ("decision_note", models.TextField(blank=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="submissions",
                                to="solutions.resettlementcase",
                            ),
                        ),
                        (
                            "country",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="submissions",
                                to="solutions.receivingcountry",
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "batch",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="solutions.submissionbatch",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["case", "submitted_on", "pk"],
                        "indexes": [models.Index(fields=["country", "outcome"], name="solutions_s_country_262f0c_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("outcome__in", ["PENDING", "ACCEPTED"])),
                                fields=("case",),
                                name="one_open_submission_per_case",
                            )
                        ],
                    },
                ),
            ]
        ),
    ]
