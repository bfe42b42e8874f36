"""The sites of an audit event that concerns several (a user of two camps): each a row, covered
by the event's hash, so that the trail can be read per site: a site's administrators read their own sites' events only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventSite",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(db_index=True)),
                ("site_id", models.BigIntegerField(db_index=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("seq", "site_id"), name="audit_event_site_once")],
            },
        ),
    ]
