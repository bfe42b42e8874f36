"""A fresh database's movements: the models as migrations 0001 to 0003 leave them, each created
once with its indexes and constraints, and Django's migration state rendered once for all of
them (core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database
with any of the replaced migrations applied keeps going through them.

As 0002, the database guards on a movement's state, gate results and disclosures."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels, LazyRunPython

# The statements are constants of this file (S608 does not apply).
# ruff: noqa: S608
MESSAGE = "movement state changes only through movements.services"

SQLITE = [
    f"""CREATE TRIGGER movements_state_guard_insert BEFORE INSERT ON movements_movement
    FOR EACH ROW WHEN NEW.state <> 'REQUESTED'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER movements_state_guard_update BEFORE UPDATE OF state ON movements_movement
    FOR EACH ROW WHEN NEW.state <> OLD.state AND NOT EXISTS (
        SELECT 1 FROM movements_gateresult g
        WHERE g.id = (SELECT MAX(id) FROM movements_gateresult WHERE movement_id = NEW.id)
          AND g.applied AND g.from_state = OLD.state AND g.to_state = NEW.state)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    """CREATE TRIGGER movements_gateresult_append_only BEFORE UPDATE ON movements_gateresult
    BEGIN SELECT RAISE(ABORT, 'gate results are append-only'); END""",
    """CREATE TRIGGER movements_disclosure_append_only BEFORE UPDATE ON movements_disclosure
    BEGIN SELECT RAISE(ABORT, 'disclosures are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS movements_state_guard_insert",
    "DROP TRIGGER IF EXISTS movements_state_guard_update",
    "DROP TRIGGER IF EXISTS movements_gateresult_append_only",
    "DROP TRIGGER IF EXISTS movements_disclosure_append_only",
]

POSTGRES = [
    f"""CREATE FUNCTION movements_state_guard() RETURNS trigger AS $$
    DECLARE g RECORD;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'REQUESTED' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
        RETURN NEW;
      END IF;
      IF NEW.state IS DISTINCT FROM OLD.state THEN
        SELECT applied, from_state, to_state INTO g FROM movements_gateresult
          WHERE movement_id = NEW.id ORDER BY id DESC LIMIT 1;
        IF NOT FOUND OR NOT g.applied OR g.from_state <> OLD.state OR g.to_state <> NEW.state THEN
          RAISE EXCEPTION '{MESSAGE}';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movements_state_guard BEFORE INSERT OR UPDATE ON movements_movement
    FOR EACH ROW EXECUTE FUNCTION movements_state_guard()""",
    """CREATE FUNCTION movements_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movements_gateresult_append_only BEFORE UPDATE ON movements_gateresult
    FOR EACH ROW EXECUTE FUNCTION movements_append_only()""",
    """CREATE TRIGGER movements_disclosure_append_only BEFORE UPDATE ON movements_disclosure
    FOR EACH ROW EXECUTE FUNCTION movements_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS movements_state_guard ON movements_movement",
    "DROP TRIGGER IF EXISTS movements_gateresult_append_only ON movements_gateresult",
    "DROP TRIGGER IF EXISTS movements_disclosure_append_only ON movements_disclosure",
    "DROP FUNCTION IF EXISTS movements_state_guard()",
    "DROP FUNCTION IF EXISTS movements_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    replaces = [
        ("movements", "0001_initial"),
        ("movements", "0002_state_guard"),
        ("movements", "0003_family_unity_decision"),
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
                    name="Art332Determination",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("competent_authority", models.CharField(max_length=200)),
                        ("reference", models.CharField(max_length=100)),
                        ("decided_on", models.DateField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="art_33_2_determinations",
                                to="registry.person",
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
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("competent_authority", ""), _negated=True),
                                    models.Q(("reference", ""), _negated=True),
                                ),
                                name="art332_authority_and_reference",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ChainAssessmentRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        ("admission_document", models.CharField(max_length=200)),
                        ("access_to_protection", models.BooleanField()),
                        ("respects_non_refoulement", models.BooleanField()),
                        ("rationale", models.TextField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="chain_assessments",
                                to="registry.person",
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
                ),
                migrations.CreateModel(
                    name="CountryAuthority",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("AUTHORITY", "state authority"),
                                    ("EMBASSY", "embassy or consulate"),
                                    ("PROXY", "proxy or intermediary"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("valid_from", models.DateField()),
                        ("valid_to", models.DateField(blank=True, null=True)),
                        ("source", models.TextField(blank=True)),
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
                        "verbose_name_plural": "country authorities",
                        "ordering": ["country", "name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("valid_to__isnull", True),
                                    ("valid_to__gte", models.F("valid_from")),
                                    _connector="OR",
                                ),
                                name="country_authority_dates",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="FamilyUnityDecision",
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
                                    ("INTERNAL_TRANSFER", "transfer to another site in the host country"),
                                    ("RESETTLEMENT_DEPARTURE", "resettlement departure"),
                                    ("HUMANITARIAN_ADMISSION", "humanitarian admission"),
                                    ("RELOCATION_THIRD_COUNTRY", "relocation to a third country"),
                                    ("VOLUNTARY_REPATRIATION", "voluntary repatriation"),
                                    ("DEPORTATION_ORDER", "deportation or removal order"),
                                    ("EXTRADITION_REQUEST", "extradition request"),
                                    ("OTHER_REMOVAL", "other removal"),
                                ],
                                max_length=26,
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        ("rationale", models.TextField()),
                        ("decided_at", models.DateTimeField(auto_now_add=True)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="family_unity_decisions",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("person", models.F("member")), _negated=True),
                                name="family_unity_two_persons",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("withdrawn_at__isnull", True)),
                                fields=("person", "member", "kind", "country"),
                                name="one_open_family_unity_decision",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="GroupRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True)),
                        ("description", models.CharField(max_length=300)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("INTERNAL_TRANSFER", "transfer to another site in the host country"),
                                    ("RESETTLEMENT_DEPARTURE", "resettlement departure"),
                                    ("HUMANITARIAN_ADMISSION", "humanitarian admission"),
                                    ("RELOCATION_THIRD_COUNTRY", "relocation to a third country"),
                                    ("VOLUNTARY_REPATRIATION", "voluntary repatriation"),
                                    ("DEPORTATION_ORDER", "deportation or removal order"),
                                    ("EXTRADITION_REQUEST", "extradition request"),
                                    ("OTHER_REMOVAL", "other removal"),
                                ],
                                max_length=26,
                            ),
                        ),
                        ("destination_country", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("requesting_state", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("legal_reference", models.CharField(blank=True, max_length=200)),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("allowed_count", models.PositiveIntegerField(default=0)),
                        ("refused_count", models.PositiveIntegerField(default=0)),
                        (
                            "block",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.location",
                            ),
                        ),
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="group_movement_requests",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-requested_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="OnwardReturnPolicy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        ("nationality", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("returns_to", django_countries.fields.CountryField(max_length=2)),
                        ("valid_from", models.DateField()),
                        ("valid_to", models.DateField(blank=True, null=True)),
                        ("source", models.TextField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
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
                        "ordering": ["country", "valid_from"],
                        "permissions": [
                            ("manage_reference_data", "Can keep onward-return policies and country authorities")
                        ],
                        "indexes": [
                            models.Index(fields=["nationality", "valid_from"], name="movements_o_nationa_c95ae5_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("valid_to__isnull", True),
                                    ("valid_to__gte", models.F("valid_from")),
                                    _connector="OR",
                                ),
                                name="onward_policy_dates",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("country", models.F("returns_to")), _negated=True),
                                name="onward_policy_two_countries",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RiskAssessment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        (
                            "finds_no_substantial_grounds",
                            models.BooleanField(
                                help_text="No substantial grounds for believing the person would be in danger of torture there"
                            ),
                        ),
                        (
                            "finds_no_real_risk",
                            models.BooleanField(
                                help_text="No real risk to life or of cruel, inhuman or degrading treatment there"
                            ),
                        ),
                        ("country_information", models.TextField()),
                        ("signed_on", models.DateField()),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="risk_assessments",
                                to="registry.person",
                            ),
                        ),
                        (
                            "signed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["person", "country", "id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("country_information", ""), _negated=True),
                                name="assessment_names_sources",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RiskCountry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("country", django_countries.fields.CountryField(max_length=2)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("PERSECUTION", "persecution (1951 Convention)"),
                                    ("TORTURE", "torture (CAT art. 3)"),
                                    ("ILL_TREATMENT", "risk to life or of inhuman treatment (ICCPR 6/7)"),
                                ],
                                max_length=14,
                            ),
                        ),
                        ("reason", models.TextField()),
                        ("added_on", models.DateField()),
                        ("withdrawn_on", models.DateField(blank=True, null=True)),
                        ("withdrawal_reason", models.TextField(blank=True)),
                        (
                            "added_by",
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
                                related_name="risk_countries",
                                to="registry.person",
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
                    ],
                    options={
                        "ordering": ["person", "country", "kind"],
                        "permissions": [
                            ("view_risk_profile", "Can see risk profiles and risk assessments"),
                            (
                                "manage_risk_profile",
                                "Can record risk countries, risk assessments and art. 33(2) determinations",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("withdrawn_on__isnull", True)),
                                fields=("person", "country", "kind"),
                                name="risk_country_once_while_open",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("reason", ""), _negated=True), name="risk_country_has_reason"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="VoluntarinessRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("signed_declaration", models.BooleanField(default=False)),
                        ("counselling_record", models.BooleanField(default=False)),
                        ("coercion_flag_open", models.BooleanField(default=False)),
                        ("best_interests_assessment", models.BooleanField(default=False)),
                        ("best_interests_determination", models.BooleanField(default=False)),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        ("withdrawal_note", models.TextField(blank=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="voluntariness_records",
                                to="registry.person",
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
                ),
                migrations.CreateModel(
                    name="ChainApproval",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("approved_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "approver",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "assessment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="approvals",
                                to="movements.chainassessmentrecord",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("assessment", "approver"), name="approve_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Movement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("INTERNAL_TRANSFER", "transfer to another site in the host country"),
                                    ("RESETTLEMENT_DEPARTURE", "resettlement departure"),
                                    ("HUMANITARIAN_ADMISSION", "humanitarian admission"),
                                    ("RELOCATION_THIRD_COUNTRY", "relocation to a third country"),
                                    ("VOLUNTARY_REPATRIATION", "voluntary repatriation"),
                                    ("DEPORTATION_ORDER", "deportation or removal order"),
                                    ("EXTRADITION_REQUEST", "extradition request"),
                                    ("OTHER_REMOVAL", "other removal"),
                                ],
                                max_length=26,
                            ),
                        ),
                        ("destination_country", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("requesting_state", django_countries.fields.CountryField(blank=True, max_length=2)),
                        ("legal_reference", models.CharField(blank=True, max_length=200)),
                        ("court_reference", models.CharField(blank=True, max_length=200)),
                        ("note", models.TextField(blank=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("REQUESTED", "requested"),
                                    ("ASSESSED", "assessed"),
                                    ("APPROVED", "approved"),
                                    ("REFUSED", "refused"),
                                    ("CARRIED_OUT", "carried out"),
                                    ("CANCELLED", "cancelled"),
                                ],
                                default="REQUESTED",
                                max_length=12,
                            ),
                        ),
                        ("state_since", models.DateTimeField()),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "destination_site",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="incoming_movements",
                                to="registry.site",
                            ),
                        ),
                        (
                            "group_request",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="movements",
                                to="movements.grouprequest",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="movements",
                                to="registry.person",
                            ),
                        ),
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
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="movements",
                                to="registry.site",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-requested_at", "-pk"],
                        "permissions": [
                            ("request_departure", "Can request and carry out resettlement and admission departures"),
                            ("approve_movement", "Can approve or refuse a movement"),
                            ("carry_out_movement", "Can record a movement as carried out"),
                            ("approve_chain", "Can approve a third-country (chain refoulement) assessment"),
                            ("record_voluntariness", "Can record voluntary repatriation interviews"),
                        ],
                        "indexes": [
                            models.Index(fields=["site", "state"], name="movements_m_site_id_bbadd5_idx"),
                            models.Index(fields=["person", "state"], name="movements_m_person__ff90d6_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "state__in",
                                        ["REQUESTED", "ASSESSED", "APPROVED", "REFUSED", "CARRIED_OUT", "CANCELLED"],
                                    )
                                ),
                                name="movement_state_known",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "EXTRADITION_REQUEST"), _negated=True),
                                    models.Q(("requesting_state", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="extradition_names_requesting_state",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("destination_site__isnull", True), ("kind", "INTERNAL_TRANSFER"), _connector="OR"
                                ),
                                name="destination_site_only_for_transfers",
                            ),
                        ],
                    },
                ),
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
                        "ordering": ["name"],
                        "permissions": [
                            ("manage_recipients", "Can record recipients and data-sharing agreements"),
                            ("release_personal_data", "Can release personal data to a recorded recipient"),
                            ("view_disclosure", "Can see the log of disclosures"),
                            ("read_shared_cases", "Partner: can read the cases shared with their organisation"),
                        ],
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
                                to="movements.recipient",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="GateResult",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("assess", "assess"),
                                    ("approve", "approve"),
                                    ("refuse", "refuse"),
                                    ("carry_out", "carry out"),
                                    ("cancel", "cancel"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "from_state",
                            models.CharField(
                                choices=[
                                    ("REQUESTED", "requested"),
                                    ("ASSESSED", "assessed"),
                                    ("APPROVED", "approved"),
                                    ("REFUSED", "refused"),
                                    ("CARRIED_OUT", "carried out"),
                                    ("CANCELLED", "cancelled"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "to_state",
                            models.CharField(
                                choices=[
                                    ("REQUESTED", "requested"),
                                    ("ASSESSED", "assessed"),
                                    ("APPROVED", "approved"),
                                    ("REFUSED", "refused"),
                                    ("CARRIED_OUT", "carried out"),
                                    ("CANCELLED", "cancelled"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("allowed", models.BooleanField(help_text="What the gate answered")),
                        ("applied", models.BooleanField(help_text="The movement entered to_state")),
                        (
                            "gated",
                            models.BooleanField(help_text="The safeguards were asked (not for refusing or cancelling)"),
                        ),
                        ("blocks", models.JSONField(default=list)),
                        ("warnings", models.JSONField(default=list)),
                        ("result", models.JSONField(default=dict)),
                        ("reason", models.TextField(blank=True)),
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
                            "movement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="gate_results",
                                to="movements.movement",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["pk"],
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
                                to="movements.recipient",
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
                        "ordering": ["recipient", "valid_from"],
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
                                to="movements.recipient",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["recipient", "expires_at"], name="movements_s_recipie_d11fd8_idx")
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
        LazyRunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
