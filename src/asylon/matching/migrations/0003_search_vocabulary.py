"""The vocabulary of name skeletons (typos and variants found on every database) and the
own-name flag of tokens. The vocabulary is filled here from the tokens already indexed;
`asylon matching rebuild-keys` then sets the own-name flag of fathers' names."""

from django.db import migrations, models


def fill_vocabulary(apps, schema_editor):
    from asylon.matching.keys import TokenKey, variant_keys

    token_model = apps.get_model("matching", "NameKeyToken")
    variant_model = apps.get_model("matching", "NameVariantKey")
    pairs = token_model.objects.values_list("skeleton", "phonetic").distinct().iterator()
    rows = [
        variant_model(key=key, skeleton=skel, phonetic=phon)
        for skel, phon in pairs
        for key in variant_keys(TokenKey(skel, phon))
    ]
    variant_model.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_trigram_index"),
        ("registry", "0004_alter_person_presence"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameVariantKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100)),
                ("skeleton", models.CharField(max_length=100)),
                ("phonetic", models.CharField(max_length=100)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="namekeytoken",
            name="matching_na_skeleto_804923_idx",
        ),
        migrations.RemoveIndex(
            model_name="namekeytoken",
            name="matching_na_prefix_7e35ce_idx",
        ),
        migrations.RemoveField(
            model_name="namekeytoken",
            name="prefix",
        ),
        migrations.AddField(
            model_name="namekeytoken",
            name="own",
            field=models.BooleanField(default=True),
        ),
        migrations.AddIndex(
            model_name="namekeytoken",
            index=models.Index(
                fields=["skeleton", "site", "person", "own", "birth_year"], name="matching_token_search"
            ),
        ),
        migrations.AddConstraint(
            model_name="namevariantkey",
            constraint=models.UniqueConstraint(fields=("key", "skeleton"), name="variant_key_once"),
        ),
        migrations.RunPython(fill_vocabulary, migrations.RunPython.noop),
    ]
