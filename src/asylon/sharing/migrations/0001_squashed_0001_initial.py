"""The data-sharing models of sharing 0001, in Django's state only as there (a fresh database's
tables come from movements 0001), each with its indexes and constraints, and the state rendered
once for all of them (core.migration_ops.CreateModels) instead of once per step and model
(issue 24). A database that has sharing 0001 applied keeps it."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels


class Migration(migrations.Migration):
    replaces = [("sharing", "0001_initial")]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("movements", "0003_family_unity_decision"),
        ("registry", "0004_alter_person_presence"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                CreateModels(
                    [
                        migrations.CreateModel(
                            name="Recipient",
                            fields=[
                                (
                                    "id",
                                    models.BigAutoField(
                                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                                    ),
                                ),
                                ("name", models.CharField(max_length=200, unique=True)),
                                (
                                    "kind",
                                    models.CharField(
                                        choices=[
                                            ("UN_AGENCY", "UN agency"),
                                            ("RESETTLEMENT_COUNTRY", "resettlement country"),
                                            ("HOST_AUTHORITY", "host authority (under an agreement)"),
                                            ("COUNTRY_OF_ORIGIN_AUTHORITY", "country-of-origin authority"),
                                            ("ALLEGED_PERSECUTOR", "alleged persecutor"),
                                            ("NGO", "NGO"),
                                        ],
                                        max_length=28,
                                    ),
                                ),
                                (
                                    "country",
                                    django_countries.fields.CountryField(
                                        blank=True, help_text="The state behind the recipient, if any", max_length=2
                                    ),
                                ),
                                ("created_at", models.DateTimeField(auto_now_add=True)),
                                (
                                    "acts_for",
                                    models.ForeignKey(
                                        blank=True,
                                        null=True,
                                        on_delete=django.db.models.deletion.PROTECT,
                                        related_name="recipients",
                                        to="movements.countryauthority",
                                    ),
                                ),
                                (
                                    "created_by",
                                    models.ForeignKey(
                                        null=True,
                                        on_delete=django.db.models.deletion.PROTECT,
                                        related_name="+",
                                        to=settings.AUTH_USER_MODEL,
                                    ),
                                ),
                                (
                                    "users",
                                    models.ManyToManyField(
                                        blank=True, related_name="recipients", to=settings.AUTH_USER_MODEL
                                    ),
                                ),
                            ],
                            options={
                                "db_table": "movements_recipient",
                                "ordering": ["name"],
                                "default_permissions": (),
                                "constraints": [
                                    models.CheckConstraint(
                                        condition=models.Q(
                                            models.Q(("kind", "RESETTLEMENT_COUNTRY"), _negated=True),
                                            models.Q(("country", ""), _negated=True),
                                            _connector="OR",
                                        ),
                                        name="resettlement_recipient_has_country",
                                    )
                                ],
                            },
                        ),
                        migrations.CreateModel(
                            name="Disclosure",
                            fields=[
                                (
                                    "id",
                                    models.BigAutoField(
                                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                                    ),
                                ),
                                ("rule", models.CharField(max_length=4)),
                                ("legal_basis", models.CharField(max_length=300)),
                                ("purpose", models.CharField(max_length=200)),
                                ("fields", models.JSONField(default=list)),
                                ("person_count", models.PositiveIntegerField()),
                                ("person_refs", models.JSONField(default=list)),
                                (
                                    "channel",
                                    models.CharField(help_text="e.g. api:GET /persons/{reference}", max_length=60),
                                ),
                                ("at", models.DateTimeField(auto_now_add=True)),
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
                                    "recipient",
                                    models.ForeignKey(
                                        on_delete=django.db.models.deletion.PROTECT,
                                        related_name="disclosures",
                                        to="sharing.recipient",
                                    ),
                                ),
                            ],
                            options={
                                "db_table": "movements_disclosure",
                                "ordering": ["-at", "-pk"],
                                "default_permissions": (),
                            },
                        ),
                        migrations.CreateModel(
                            name="SharingAgreement",
                            fields=[
                                (
                                    "id",
                                    models.BigAutoField(
                                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                                    ),
                                ),
                                ("reference", models.CharField(max_length=100)),
                                ("purpose", models.CharField(max_length=200)),
                                (
                                    "fields",
                                    models.JSONField(
                                        default=list, help_text="The fields the agreement covers, no more"
                                    ),
                                ),
                                ("non_refoulement_undertaking", models.BooleanField(default=False)),
                                ("valid_from", models.DateField()),
                                ("valid_to", models.DateField(blank=True, null=True)),
                                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                                (
                                    "recipient",
                                    models.ForeignKey(
                                        on_delete=django.db.models.deletion.PROTECT,
                                        related_name="agreements",
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
                            ],
                            options={
                                "db_table": "movements_sharingagreement",
                                "ordering": ["recipient", "valid_from"],
                                "default_permissions": (),
                                "constraints": [
                                    models.CheckConstraint(
                                        condition=models.Q(
                                            ("valid_to__isnull", True),
                                            ("valid_to__gte", models.F("valid_from")),
                                            _connector="OR",
                                        ),
                                        name="agreement_dates",
                                    )
                                ],
                            },
                        ),
                        migrations.CreateModel(
                            name="SharingGrant",
                            fields=[
                                (
                                    "id",
                                    models.BigAutoField(
                                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                                    ),
                                ),
                                ("reason", models.CharField(max_length=200)),
                                (
                                    "source",
                                    models.CharField(
                                        blank=True, help_text="e.g. solutions.submission:12", max_length=100
                                    ),
                                ),
                                ("granted_at", models.DateTimeField(auto_now_add=True)),
                                ("expires_at", models.DateTimeField(blank=True, null=True)),
                                (
                                    "granted_by",
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
                                        related_name="sharing_grants",
                                        to="registry.person",
                                    ),
                                ),
                                (
                                    "recipient",
                                    models.ForeignKey(
                                        on_delete=django.db.models.deletion.PROTECT,
                                        related_name="grants",
                                        to="sharing.recipient",
                                    ),
                                ),
                            ],
                            options={
                                "db_table": "movements_sharinggrant",
                                "default_permissions": (),
                                "indexes": [
                                    models.Index(
                                        fields=["recipient", "expires_at"], name="movements_s_recipie_d11fd8_idx"
                                    )
                                ],
                                "constraints": [
                                    models.UniqueConstraint(
                                        condition=models.Q(("expires_at__isnull", True)),
                                        fields=("recipient", "person"),
                                        name="one_open_grant",
                                    )
                                ],
                            },
                        ),
                    ]
                ),
            ],
            database_operations=[],
        ),
    ]
