"""An import names its worker and beats a heartbeat, so a run whose worker was killed can be
read as interrupted instead of running for ever; INTERRUPTED needs 11 characters."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_imported_persons"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importrun",
            name="worker_host",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="importrun",
            name="worker_pid",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("RUNNING", "running"),
                    ("DRY_RUN", "checked (dry run)"),
                    ("COMMITTED", "committed"),
                    ("FAILED", "failed, nothing written"),
                    ("INTERRUPTED", "interrupted (its worker stopped), nothing written"),
                ],
                default="RUNNING",
                max_length=12,
            ),
        ),
    ]
