"""Drop three indexes of status entries that no read uses and every write pays for.

person: the (person, id) index serves every lookup by person. declaration: the named
Meta index on the same column stays. reverted_by: never searched. A group declaration
writes, and its revocation rewrites, one entry per person (100,000 in one act). Runs on
SQLite and PostgreSQL alike (Django drops the foreign keys' indexes, not the keys).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_alter_person_presence"),
        ("status", "0002_ending_notification_and_appeal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="statusentry",
            name="declaration",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="status.groupdeclaration",
            ),
        ),
        migrations.AlterField(
            model_name="statusentry",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="status_entries",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="statusentry",
            name="reverted_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reverted_entries",
                to="status.groupdeclaration",
            ),
        ),
    ]
