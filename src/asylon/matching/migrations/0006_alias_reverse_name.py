"""A reverse name for PersonAlias.person, so that the register follows a merged person's
reference to its survivor through the ORM (`registry.queries.get_person`) instead of a
resolver that matching registered. No change in the database: only the model state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_namesakes_index"),
        ("registry", "0004_alter_person_presence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="personalias",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="aliases", to="registry.person"
            ),
        ),
    ]
