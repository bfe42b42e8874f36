"""A fresh database's matching keys: the models as migrations 0001 to 0007 leave them, each created
once with its indexes and constraints, and Django's migration state rendered once for all of
them (core.migration_ops.CreateModels) instead of once per step and model (issue 24). A database
with any of the replaced migrations applied keeps going through them.

As 0002, the trigram index on PostgreSQL; 0003's vocabulary fill has no tokens to read on a
fresh database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asylon.core.migration_ops import CreateModels, LazyRunPython

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS matching_keys_full_fold_trgm ON matching_personnamekeys USING gin (full_fold gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS matching_keys_full_fold_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    replaces = [
        ("matching", "0001_initial"),
        ("matching", "0002_trigram_index"),
        ("matching", "0003_search_vocabulary"),
        ("matching", "0004_token_index_year_before_person"),
        ("matching", "0005_namesakes_index"),
        ("matching", "0006_alias_reverse_name"),
        ("matching", "0007_namesakes_by_father"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("registry", "0006_life_events"),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name="DetectionRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("engine", models.CharField(default="asylon", max_length=20)),
                        ("started_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("blocks_total", models.PositiveIntegerField(default=0)),
                        ("blocks_done", models.PositiveIntegerField(default=0)),
                        ("pairs_found", models.PositiveIntegerField(default=0)),
                        (
                            "site",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.site",
                            ),
                        ),
                        (
                            "started_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Merge",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reason", models.CharField(max_length=300)),
                        ("merged_at", models.DateTimeField(auto_now_add=True)),
                        ("moves", models.JSONField(default=dict)),
                        ("undone_at", models.DateTimeField(blank=True, null=True)),
                        ("undo_reason", models.CharField(blank=True, max_length=300)),
                        (
                            "merged",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "merged_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "survivor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "undone_by",
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
                        "permissions": [
                            ("merge_person", "Can merge two records of one person"),
                            ("unmerge_person", "Can undo a merge"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("undone_at__isnull", True)), fields=("merged",), name="merged_once"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("survivor", models.F("merged")), _negated=True),
                                name="merge_two_persons",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NameKeyToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("skeleton", models.CharField(max_length=100)),
                        ("phonetic", models.CharField(max_length=100)),
                        ("birth_year", models.PositiveSmallIntegerField(blank=True, null=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="registry.site"
                            ),
                        ),
                        ("own", models.BooleanField(default=True)),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["phonetic", "birth_year"], name="matching_na_phoneti_a7c497_idx"),
                            models.Index(
                                fields=["skeleton", "site", "birth_year", "person", "own"], name="matching_token_year"
                            ),
                        ],
                        "constraints": [models.UniqueConstraint(fields=("person", "skeleton"), name="name_token_once")],
                    },
                ),
                migrations.CreateModel(
                    name="NameVariantKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=100)),
                        ("skeleton", models.CharField(max_length=100)),
                        ("phonetic", models.CharField(max_length=100)),
                    ],
                    options={
                        "constraints": [models.UniqueConstraint(fields=("key", "skeleton"), name="variant_key_once")],
                    },
                ),
                migrations.CreateModel(
                    name="PersonNameKeys",
                    fields=[
                        (
                            "person",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="name_keys",
                                serialize=False,
                                to="registry.person",
                            ),
                        ),
                        ("given_fold", models.CharField(blank=True, max_length=200)),
                        ("fathers_fold", models.CharField(blank=True, max_length=200)),
                        ("family_fold", models.CharField(blank=True, max_length=200)),
                        ("full_fold", models.CharField(blank=True, max_length=600)),
                        ("skeleton_tokens", models.CharField(blank=True, max_length=600)),
                        ("phonetic_tokens", models.CharField(blank=True, max_length=600)),
                        ("compact_key", models.CharField(blank=True, max_length=200)),
                        (
                            "fathers_key",
                            models.CharField(blank=True, help_text="Phonetic key of the father's name", max_length=200),
                        ),
                        ("birth_year", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="registry.site"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "person name keys",
                        "indexes": [
                            models.Index(fields=["site", "compact_key"], name="matching_pe_site_id_c73056_idx"),
                            models.Index(fields=["site", "birth_year"], name="matching_pe_site_id_40f33f_idx"),
                            models.Index(
                                condition=models.Q(("active", True)),
                                fields=["site", "compact_key", "person"],
                                include=("skeleton_tokens",),
                                name="matching_keys_namesakes",
                            ),
                            models.Index(
                                condition=models.Q(("active", True)),
                                fields=["site", "fathers_key", "compact_key", "person"],
                                include=("skeleton_tokens",),
                                name="matching_keys_fathers",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DuplicateCandidate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("probability", models.FloatField()),
                        ("match_weight", models.FloatField()),
                        ("explanation", models.JSONField(default=dict)),
                        ("source", models.CharField(default="batch", max_length=20)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("OPEN", "open"),
                                    ("DIFFERENT", "different persons"),
                                    ("LINKED", "linked (related persons)"),
                                    ("MERGED", "merged"),
                                ],
                                default="OPEN",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person_a",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "person_b",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="candidates",
                                to="matching.detectionrun",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.site"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-probability", "pk"],
                        "permissions": [
                            ("decide_duplicatecandidate", "Can decide whether a candidate pair is one person")
                        ],
                        "indexes": [
                            models.Index(
                                fields=["site", "status", "probability"], name="matching_du_site_id_2f1857_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("person_a", "person_b"), name="candidate_pair_once"),
                            models.CheckConstraint(
                                condition=models.Q(("person_a__lt", models.F("person_b"))),
                                name="candidate_pair_ordered",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PersonAlias",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=20, unique=True)),
                        (
                            "merge",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT, related_name="alias", to="matching.merge"
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="aliases",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "person aliases",
                    },
                ),
            ]
        ),
        LazyRunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
