"""The held-out name-matching test data keeps its promises: the agreed record schema, exact
sizes, a truth that is exactly the same-person pairs, and the same output for the same seed."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "heldout" / "generator.py"
_spec = importlib.util.spec_from_file_location("heldout_generator", _PATH)
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = gen  # dataclasses look their module up there
_spec.loader.exec_module(gen)

KEYS = {
    "given_name",
    "fathers_name",
    "family_name",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "household_id",
    "record_id",
    "cluster_id",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def register():
    return gen.registrations(2000, seed=7)


@pytest.fixture(scope="module")
def population():
    return gen.search_population(3000, seed=7)


def assert_schema(records):
    for r in records:
        assert set(r) == KEYS
        assert all(isinstance(v, str) for v in r.values())
        assert r["date_of_birth"] == "" or DATE.match(r["date_of_birth"])
        assert r["sex"] in {"M", "F", ""}
        assert r["given_name"] and r["family_name"] and r["record_id"] and r["cluster_id"]
    assert len({r["record_id"] for r in records}) == len(records)


def test_registrations_have_the_agreed_schema_and_exact_size(register):
    records, _ = register
    assert len(records) == 2000
    assert_schema(records)


def test_pairs_are_exactly_the_pairs_of_records_of_one_person(register):
    records, pairs = register
    by_person = defaultdict(list)
    for r in records:
        by_person[r["cluster_id"]].append(r["record_id"])
    expected = sorted(tuple(sorted(p)) for ids in by_person.values() for p in itertools.combinations(ids, 2))
    assert pairs == expected
    assert all(a < b for a, b in pairs)


def test_some_persons_are_registered_two_to_four_times(register):
    records, _ = register
    sizes = defaultdict(int)
    for r in records:
        sizes[r["cluster_id"]] += 1
    duplicated = sum(1 for s in sizes.values() if s > 1) / len(sizes)
    assert 0.08 < duplicated < 0.25
    assert max(sizes.values()) <= 4


def test_same_seed_same_data_and_another_seed_other_data(register, population):
    assert gen.registrations(2000, seed=7) == register
    assert gen.registrations(2000, seed=8) != register
    assert gen.search_population(3000, seed=7) == population
    queries = gen.search_queries(population, 200, seed=7)
    assert gen.search_queries(population, 200, seed=7) == queries


def test_population_is_one_record_per_person(population):
    assert len(population) == 3000
    assert_schema(population)
    assert len({r["cluster_id"] for r in population}) == len(population)


def test_queries_point_at_a_person_of_the_population_in_every_kind(population):
    queries = gen.search_queries(population, 400, seed=3)
    by_id = {r["record_id"]: r for r in population}
    assert len(queries) == 400
    assert {q["kind"] for q in queries} == {"name+year", "name+father", "name_only", "script"}
    for q in queries:
        assert set(q) == {"text", "kind", "record_id"}
        assert q["text"].strip()
        assert q["record_id"] in by_id
        if q["kind"] == "name+year":
            assert re.search(r"\d{4}", q["text"])
        if q["kind"] == "script":
            registered = by_id[q["record_id"]]["given_name"]
            assert not any("\u0600" <= ch <= "\u06ff" for ch in registered)
            assert any("\u0600" <= ch <= "\u06ff" for ch in q["text"])
