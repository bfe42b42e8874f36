"""A fresh database's cases: the models as migrations 0001_initial leave them, each created once
with its indexes and constraints, and Django's migration state rendered once for all of them
(core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database with
any of the replaced migrations applied keeps going through them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels


class Migration(migrations.Migration):
    replaces = [("cases", "0001_initial")]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("incidents", "0004_roll_call_mark_channel"),
        ("registry", "0006_life_events"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="ProtectionCase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=20, unique=True)),
                        (
                            "case_type",
                            models.CharField(
                                choices=[
                                    ("SURVIVOR_OF_VIOLENCE", "survivor of violence"),
                                    ("SURVIVOR_OF_TORTURE", "survivor of torture"),
                                    ("CHILD_AT_RISK", "child at risk"),
                                    ("UASC", "unaccompanied or separated child"),
                                    ("MEDICAL", "medical"),
                                    ("LEGAL", "legal"),
                                    ("OTHER", "other"),
                                ],
                                max_length=24,
                            ),
                        ),
                        (
                            "risk_level",
                            models.CharField(
                                choices=[
                                    ("LOW", "low"),
                                    ("MEDIUM", "medium"),
                                    ("HIGH", "high"),
                                    ("CRITICAL", "critical"),
                                ],
                                max_length=8,
                            ),
                        ),
                        (
                            "origin",
                            models.CharField(
                                choices=[
                                    ("MANUAL", "opened by hand"),
                                    ("SPECIFIC_NEED", "a specific need"),
                                    ("INCIDENT", "an incident"),
                                    ("ROLL_CALL", "a roll-call result"),
                                ],
                                default="MANUAL",
                                max_length=14,
                            ),
                        ),
                        ("summary", models.TextField(blank=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("OPEN", "open"),
                                    ("ASSESSED", "assessed"),
                                    ("PLAN_ACTIVE", "plan active"),
                                    ("CLOSED", "closed"),
                                ],
                                default="OPEN",
                                max_length=12,
                            ),
                        ),
                        (
                            "closure_reason",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("NEEDS_MET", "needs met"),
                                    ("DEPARTED", "person departed"),
                                    ("DECEASED", "person deceased"),
                                    ("TRANSFERRED", "transferred to another agency"),
                                    ("LOST_CONTACT", "lost contact"),
                                    ("CONSENT_WITHDRAWN", "consent withdrawn"),
                                    ("OTHER", "other"),
                                ],
                                max_length=18,
                            ),
                        ),
                        ("closed_on", models.DateField(blank=True, null=True)),
                        ("next_review_on", models.DateField(blank=True, null=True)),
                        ("opened_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "caseworker",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases_held",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="protection_cases",
                                to="registry.household",
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
                            "origin_incident",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "origin_mark",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="incidents.rollcallentry",
                            ),
                        ),
                        (
                            "origin_need",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.specificneed",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="protection_cases",
                                to="registry.person",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="protection_cases",
                                to="registry.site",
                            ),
                        ),
                        (
                            "supervisor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases_supervised",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-opened_at", "-pk"],
                        "permissions": [
                            ("view_sensitive_case", "Can see every violence or torture case and every case's notes"),
                            ("answer_referral", "Can answer referrals made to the partner it acts for"),
                        ],
                        "indexes": [
                            models.Index(fields=["site", "state"], name="cases_prote_site_id_20b8e4_idx"),
                            models.Index(fields=["caseworker", "state"], name="cases_prote_casewor_9d14c0_idx"),
                            models.Index(fields=["supervisor", "state"], name="cases_prote_supervi_b24378_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("household__isnull", True), ("person__isnull", False)),
                                    models.Q(("household__isnull", False), ("person__isnull", True)),
                                    _connector="OR",
                                ),
                                name="case_for_person_or_household",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("closed_on__isnull", False),
                                        ("state", "CLOSED"),
                                        models.Q(("closure_reason", ""), _negated=True),
                                    ),
                                    models.Q(
                                        models.Q(("state", "CLOSED"), _negated=True),
                                        ("closed_on__isnull", True),
                                        ("closure_reason", ""),
                                    ),
                                    _connector="OR",
                                ),
                                name="case_closed_with_reason",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("origin", "MANUAL"),
                                        ("origin_incident__isnull", True),
                                        ("origin_mark__isnull", True),
                                        ("origin_need__isnull", True),
                                    ),
                                    models.Q(("origin", "SPECIFIC_NEED"), ("origin_need__isnull", False)),
                                    models.Q(("origin", "INCIDENT"), ("origin_incident__isnull", False)),
                                    models.Q(("origin", "ROLL_CALL"), ("origin_mark__isnull", False)),
                                    _connector="OR",
                                ),
                                name="case_origin_linked",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Assessment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "case_type",
                            models.CharField(
                                choices=[
                                    ("SURVIVOR_OF_VIOLENCE", "survivor of violence"),
                                    ("SURVIVOR_OF_TORTURE", "survivor of torture"),
                                    ("CHILD_AT_RISK", "child at risk"),
                                    ("UASC", "unaccompanied or separated child"),
                                    ("MEDICAL", "medical"),
                                    ("LEGAL", "legal"),
                                    ("OTHER", "other"),
                                ],
                                max_length=24,
                            ),
                        ),
                        ("answers", models.JSONField(default=dict)),
                        ("assessed_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "assessed_by",
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
                                related_name="assessments",
                                to="cases.protectioncase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-assessed_at", "-pk"],
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="CaseNote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("text", models.TextField()),
                        ("written_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "written_by",
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
                                related_name="notes",
                                to="cases.protectioncase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-written_at", "-pk"],
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "giver",
                            models.CharField(
                                choices=[
                                    ("PERSON", "the person"),
                                    ("CHILD", "the child (assent)"),
                                    ("GUARDIAN", "a parent or guardian"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("guardian_name", models.CharField(blank=True, max_length=200)),
                        ("guardian_relation", models.CharField(blank=True, max_length=100)),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("CASE_MANAGEMENT", "case management"),
                                    ("REFERRAL", "referral to a named service, sharing the listed fields"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "service",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("MEDICAL", "medical"),
                                    ("LEGAL_AID", "legal aid"),
                                    ("PSYCHOSOCIAL", "psychosocial support"),
                                    ("SHELTER", "shelter"),
                                    ("LIVELIHOOD", "livelihood"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("fields", models.JSONField(blank=True, default=list)),
                        ("given_on", models.DateField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("withdrawn_on", models.DateField(blank=True, null=True)),
                        ("withdrawal_note", models.TextField(blank=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sharing.recipient",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "withdrawn_by",
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
                                related_name="consents",
                                to="cases.protectioncase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["given_on", "pk"],
                        "default_permissions": (),
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("giver", "GUARDIAN"), _negated=True),
                                    models.Q(
                                        models.Q(("guardian_name", ""), _negated=True),
                                        models.Q(("guardian_relation", ""), _negated=True),
                                    ),
                                    _connector="OR",
                                ),
                                name="guardian_consent_named",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("recipient__isnull", True), ("scope", "CASE_MANAGEMENT"), ("service", "")
                                    ),
                                    models.Q(("scope", "REFERRAL"), models.Q(("service", ""), _negated=True)),
                                    _connector="OR",
                                ),
                                name="referral_consent_names_service",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlanAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(max_length=300)),
                        ("due_on", models.DateField()),
                        ("done_on", models.DateField(blank=True, null=True)),
                        ("outcome", models.TextField(blank=True)),
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
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="case_actions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="actions",
                                to="cases.protectioncase",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_on", "pk"],
                        "default_permissions": (),
                        "indexes": [
                            models.Index(fields=["owner", "done_on", "due_on"], name="cases_plana_owner_i_187717_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("done_on__isnull", True), models.Q(("outcome", ""), _negated=True), _connector="OR"
                                ),
                                name="done_action_has_outcome",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Referral",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=20, unique=True)),
                        (
                            "service",
                            models.CharField(
                                choices=[
                                    ("MEDICAL", "medical"),
                                    ("LEGAL_AID", "legal aid"),
                                    ("PSYCHOSOCIAL", "psychosocial support"),
                                    ("SHELTER", "shelter"),
                                    ("LIVELIHOOD", "livelihood"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("internal_unit", models.CharField(blank=True, max_length=200)),
                        ("purpose", models.CharField(max_length=200)),
                        ("fields", models.JSONField(default=list)),
                        ("shared", models.JSONField(default=dict)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("SENT", "sent"),
                                    ("ACCEPTED", "accepted"),
                                    ("DECLINED", "declined"),
                                    ("COMPLETED", "completed"),
                                ],
                                default="SENT",
                                max_length=10,
                            ),
                        ),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                        ("answered_at", models.DateTimeField(blank=True, null=True)),
                        ("decline_reason", models.TextField(blank=True)),
                        ("outcome", models.TextField(blank=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "answered_by",
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
                                related_name="referrals",
                                to="cases.protectioncase",
                            ),
                        ),
                        (
                            "disclosure",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sharing.disclosure",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="referrals",
                                to="sharing.recipient",
                            ),
                        ),
                        (
                            "sent_by",
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
                        "ordering": ["-sent_at", "-pk"],
                        "default_permissions": (),
                        "indexes": [models.Index(fields=["recipient", "state"], name="cases_refer_recipie_bcfac7_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("internal_unit", ""), ("recipient__isnull", False)),
                                    models.Q(
                                        ("disclosure__isnull", True),
                                        ("recipient__isnull", True),
                                        models.Q(("internal_unit", ""), _negated=True),
                                    ),
                                    _connector="OR",
                                ),
                                name="referral_inside_or_outside",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("state", "COMPLETED"), _negated=True),
                                    models.Q(("outcome", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="completed_referral_has_outcome",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reviewed_on", models.DateField()),
                        ("note", models.TextField(blank=True)),
                        ("next_review_on", models.DateField()),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="cases.protectioncase",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reviewed_on", "-pk"],
                        "default_permissions": (),
                    },
                ),
            ]
        ),
    ]
