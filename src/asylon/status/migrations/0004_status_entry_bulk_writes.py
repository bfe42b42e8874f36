"""Status entries: cheaper to write and to revert by the 100,000 (issue 24).

- derivative_of, rsd_case, procedure: indexed only where set (a declaration's entries set
  none of them, so they add nothing to these indexes).
- reverted_by: a check that it is the entry's own declaration replaces its foreign key (the
  declaration's key holds for both); a revocation no longer checks the same declaration
  row once per reverted entry when it commits.
- PostgreSQL: the table keeps half of each new page free (fillfactor 50), so that reverting
  an entry (two unindexed columns) writes its new version beside the old one, without a new
  entry in each of the table's indexes (a HOT update). Pages already written keep their
  fill; the setting applies to pages written from now on.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILLFACTOR = 50


def fillfactor(value: int | None):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("status", "StatusEntry")._meta.db_table)
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_life_events"),
        ("status", "0003_status_entry_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="statusentry",
            name="derivative_of",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="statusentry",
            name="procedure",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="status.endingprocedure",
            ),
        ),
        migrations.AlterField(
            model_name="statusentry",
            name="reverted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reverted_entries",
                to="status.groupdeclaration",
            ),
        ),
        migrations.AlterField(
            model_name="statusentry",
            name="rsd_case",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="status.rsdcase",
            ),
        ),
        migrations.AddIndex(
            model_name="statusentry",
            index=models.Index(
                condition=models.Q(("derivative_of__isnull", False)),
                fields=["derivative_of"],
                name="entry_derivative_of",
            ),
        ),
        migrations.AddIndex(
            model_name="statusentry",
            index=models.Index(
                condition=models.Q(("rsd_case__isnull", False)), fields=["rsd_case"], name="entry_rsd_case"
            ),
        ),
        migrations.AddIndex(
            model_name="statusentry",
            index=models.Index(
                condition=models.Q(("procedure__isnull", False)), fields=["procedure"], name="entry_procedure"
            ),
        ),
        migrations.AddConstraint(
            model_name="statusentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reverted_by__isnull", True),
                    models.Q(("declaration__isnull", False), ("reverted_by", models.F("declaration"))),
                    _connector="OR",
                ),
                name="reverted_by_own_declaration",
            ),
        ),
        migrations.RunPython(fillfactor(FILLFACTOR), fillfactor(None)),
    ]
