"""The receiving country's recipient is now the sharing app's model (same table, same
column): a change of Django's state only, nothing runs on the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_initial"),
        ("solutions", "0003_case_member_relationship_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="receivingcountry",
                    name="recipient",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receiving_country",
                        to="sharing.recipient",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
