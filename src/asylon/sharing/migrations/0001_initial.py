"""The data-sharing models move here from the movements app, their tables untouched.

The tables keep their names (`movements_recipient`, ...: each model's `db_table`), so this
migration creates the models in Django's state only; movements 0004 deletes them from the
movements app's state, and solutions 0004 points its foreign key here. Nothing runs on the
database: a fresh database gets the tables from movements 0001, an existing one keeps them
with their rows.
"""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("movements", "0003_family_unity_decision"),
        ("registry", "0004_alter_person_presence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
                            models.ManyToManyField(blank=True, related_name="recipients", to=settings.AUTH_USER_MODEL),
                        ),
                    ],
                    options={
                        "db_table": "movements_recipient",
                        "ordering": ["name"],
                        "default_permissions": (),
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
                        ("channel", models.CharField(help_text="e.g. api:GET /persons/{reference}", max_length=60)),
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
                            models.JSONField(default=list, help_text="The fields the agreement covers, no more"),
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
                            models.CharField(blank=True, help_text="e.g. solutions.submission:12", max_length=100),
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
                    },
                ),
                migrations.AddConstraint(
                    model_name="recipient",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "RESETTLEMENT_COUNTRY"), _negated=True),
                            models.Q(("country", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="resettlement_recipient_has_country",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="sharingagreement",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")), _connector="OR"
                        ),
                        name="agreement_dates",
                    ),
                ),
                migrations.AddIndex(
                    model_name="sharinggrant",
                    index=models.Index(fields=["recipient", "expires_at"], name="movements_s_recipie_d11fd8_idx"),
                ),
                migrations.AddConstraint(
                    model_name="sharinggrant",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("expires_at__isnull", True)),
                        fields=("recipient", "person"),
                        name="one_open_grant",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
