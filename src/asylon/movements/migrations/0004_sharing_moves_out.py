"""The data-sharing models leave the movements app for the sharing app (sharing 0001).

Django's state only: the tables stay as they are, under their names, and now belong to the
sharing app's models. Their permissions keep the names the role table publishes
(`movements.manage_recipients`, ...): they are declared on `Movement` from here on, and
the rows an existing database holds under the recipient's old content type move to the
movement's, so that every group and account keeps what it was granted.
"""

from django.db import migrations

from asylon.core.migration_ops import LazyRunPython

SHARING_MODELS = ("disclosure", "sharinggrant", "sharingagreement", "recipient")
KEPT = ("view_recipient", "manage_recipients", "release_personal_data", "view_disclosure", "read_shared_cases")


def _move_permissions(apps, from_model: str, to_model: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    source = content_type.objects.filter(app_label="movements", model=from_model).first()
    if source is None:  # a fresh database: post_migrate creates the permissions where declared
        return
    target, _created = content_type.objects.get_or_create(app_label="movements", model=to_model)
    taken = set(permission.objects.filter(content_type=target, codename__in=KEPT).values_list("codename", flat=True))
    permission.objects.filter(content_type=source, codename__in=set(KEPT) - taken).update(content_type=target)


def forwards(apps, schema_editor):
    _move_permissions(apps, "recipient", "movement")


def backwards(apps, schema_editor):
    _move_permissions(apps, "movement", "recipient")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("movements", "0003_family_unity_decision"),
        ("sharing", "0001_initial"),
        ("solutions", "0004_recipient_in_sharing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in SHARING_MODELS],
            database_operations=[],
        ),
        migrations.AlterModelOptions(
            name="movement",
            options={
                "ordering": ["-requested_at", "-pk"],
                "permissions": [
                    ("request_departure", "Can request and carry out resettlement and admission departures"),
                    ("approve_movement", "Can approve or refuse a movement"),
                    ("carry_out_movement", "Can record a movement as carried out"),
                    ("approve_chain", "Can approve a third-country (chain refoulement) assessment"),
                    ("record_voluntariness", "Can record voluntary repatriation interviews"),
                    ("view_recipient", "Can view recipient"),
                    ("manage_recipients", "Can record recipients and data-sharing agreements"),
                    ("release_personal_data", "Can release personal data to a recorded recipient"),
                    ("view_disclosure", "Can see the log of disclosures"),
                    ("read_shared_cases", "Partner: can read the cases shared with their organisation"),
                ],
            },
        ),
        # Only the content types and permissions are read: the rest of the project is not rendered.
        LazyRunPython(forwards, backwards, elidable=False, app_labels=("contenttypes", "auth")),
    ]
