# Alerts keep their title and body as messages, shown in each reader's language. Alerts
# stored before keep {} and are shown as their stored text.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_presence_reviews_and_reported_casualties"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="message",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
