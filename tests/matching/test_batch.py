"""Batch detection: on a spreadsheet, and on the register into the review queue (resumable)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from tests.conftest import member

from asylon.demo.synthetic import generate_population
from asylon.matching.batch import dedupe_csv, find_duplicates_in_register
from asylon.matching.candidates import decide_candidate, find_matches_for
from asylon.matching.models import CandidateStatus, DetectionRun, DuplicateCandidate
from asylon.registry import services


def test_csv_detection_finds_the_synthetic_duplicates(tmp_path):
    records, truth = generate_population(1500, seed=3)
    src = tmp_path / "people.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*records[0].keys(), "extra"])
        writer.writeheader()
        for r in records:
            writer.writerow({**r, "extra": "ignored"})
    out = tmp_path / "pairs.csv"
    call_command("duplicates", "find", "--csv", str(src), "--out", str(out), "--quiet")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    found = {(r["record_id_1"], r["record_id_2"]) for r in rows}
    assert set(rows[0]) == {"record_id_1", "record_id_2", "match_probability"}
    true_positives = len(found & set(truth))
    assert true_positives / len(truth) > 0.9 and true_positives / len(found) > 0.8


def test_empty_values_do_not_break_detection():
    data = "record_id,given_name,family_name\n1,,\n2,Ali,\n3,Ali,\n"
    out = io.StringIO()
    dedupe_csv(io.StringIO(data), out)
    assert out.getvalue().splitlines()[0] == "record_id_1,record_id_2,match_probability"


@pytest.mark.django_db
def test_register_run_queues_pairs_remembers_different_and_resumes(clerk, site_a):
    first = services.register_household(
        actor=clerk,
        site=site_a,
        members=[
            member(given_name="Mohammad", family_name="Hosseini", fathers_name="Ali", date_of_birth=date(1979, 5, 2)),
        ],
    )
    services.register_household(
        actor=clerk,
        site=site_a,
        members=[
            member(given_name="Muhammad", family_name="Husseini", fathers_name="Aly", date_of_birth=date(1979, 5, 2)),
            member(
                "CHILD",
                given_name="Shirin",
                family_name="Husseini",
                fathers_name="Muhammad",
                sex="F",
                date_of_birth=date(2005, 1, 1),
            ),
        ],
    )
    # Other households, so that the register is large enough to tell which agreements are rare.
    for given, family, father, year in [
        ("Karim", "Rahimi", "Hassan", 1960),
        ("Leila", "Ahmadi", "Reza", 1985),
        ("Javad", "Sadeghi", "Mehdi", 1972),
        ("Zahra", "Karimi", "Abbas", 1990),
        ("Omid", "Naseri", "Jafar", 1968),
        ("Nasrin", "Mousavi", "Hamid", 1995),
    ]:
        services.register_household(
            actor=clerk,
            site=site_a,
            members=[member(given_name=given, family_name=family, fathers_name=father, date_of_birth=date(year, 6, 1))],
        )
    person = first.memberships.get().person
    matches = find_matches_for(
        {"given_name": "محمد", "family_name": "حسینی", "date_of_birth": "1979-05-02", "sex": "M"}, site_a
    )
    assert {m.person.given_name for m in matches} == {"Mohammad", "Muhammad"}
    assert {f.label for f in matches[0].fields} >= {"given name", "date of birth"}

    run = find_duplicates_in_register(site=site_a)
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a, pair.person_b} >= {person} and run.finished_at and pair.explanation
    decide_candidate(actor=clerk, candidate=pair, decision=CandidateStatus.DIFFERENT, note="brothers")
    find_duplicates_in_register(site=site_a)
    assert DuplicateCandidate.objects.get().status == CandidateStatus.DIFFERENT  # not raised again

    # An interrupted run resumes where it stopped instead of starting over.
    unfinished = DetectionRun.objects.create(site=site_a, blocks_total=1, blocks_done=1)
    resumed = find_duplicates_in_register(site=site_a)
    assert resumed.pk == unfinished.pk and resumed.finished_at is not None


@pytest.mark.django_db
def test_the_register_run_compares_each_persons_current_household(clerk, site_a):
    from asylon.matching.batch import _with_households
    from asylon.matching.candidates import person_record
    from asylon.registry.models import Membership, Person

    first = services.register_household(actor=clerk, site=site_a, members=[member(given_name="Karim")])
    second = services.register_household(
        actor=clerk, site=site_a, members=[member(given_name="Omid"), member("CHILD", given_name="Sara", sex="F")]
    )
    sara = Person.objects.get(given_name="Sara")
    # Sara moved to the first household: only her current membership counts.
    Membership.objects.filter(person=sara).update(ended_on=date(2024, 1, 1), started_on=date(2020, 1, 1))
    Membership.objects.create(household=first, person=sara, relationship="CHILD", started_on=date(2024, 1, 1))
    persons = Person.objects.filter(site=site_a).order_by("pk")
    people = list(persons)
    records = _with_households(persons, people, [person_record(p) for p in people])
    household = {r["given_name"]: r["household_id"] for r in records}
    assert household == {"Karim": str(first.pk), "Omid": str(second.pk), "Sara": str(first.pk)}
