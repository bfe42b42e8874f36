from collections import Counter, defaultdict

from django.db import migrations, models


def count_persons(apps, schema_editor) -> None:
    """A case carries its members less those split off into a case of their own (their row in
    the original case is inactive, like the rows of an arrived or closed case)."""
    CaseMember = apps.get_model("solutions", "CaseMember")
    ResettlementCase = apps.get_model("solutions", "ResettlementCase")
    split_off = set(
        CaseMember.objects.filter(case__split_from__isnull=False).values_list("case__split_from_id", "person_id")
    )
    persons: Counter[int] = Counter()
    for case_id, person_id in CaseMember.objects.values_list("case_id", "person_id").iterator():
        if (case_id, person_id) not in split_off:
            persons[case_id] += 1
    by_size: dict[int, list[int]] = defaultdict(list)
    for case_id, n in persons.items():
        by_size[n].append(case_id)
    for n, case_ids in by_size.items():  # one update per case size
        ResettlementCase.objects.filter(pk__in=case_ids).update(persons=n)


class Migration(migrations.Migration):
    dependencies = [
        ("solutions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="resettlementcase",
            name="persons",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Persons the case carries: its members, less those split off into a case of their own",
            ),
        ),
        migrations.RunPython(count_persons, migrations.RunPython.noop),
    ]
