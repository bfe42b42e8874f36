"""The independent name-matching test data keeps its promises: schema, exact size, complete truth,
determinism, and duplicates that carry the error kinds its README states."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import sys
from collections import Counter
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "independent" / "generator.py"
_spec = importlib.util.spec_from_file_location("independent_generator", _PATH)
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = gen  # dataclasses look their module up there
_spec.loader.exec_module(gen)

ARABIC_BLOCK = range(0x0600, 0x0700)


@pytest.fixture(scope="module")
def register():
    return gen.registrations(3000, seed=5)


def test_records_have_exactly_the_agreed_keys_and_valid_values(register):
    records, _ = register
    assert len(records) == 3000
    for rec in records:
        assert tuple(rec) == gen.RECORD_KEYS
        assert all(isinstance(v, str) for v in rec.values())
        assert rec["sex"] in ("M", "F", "")
        if rec["date_of_birth"]:
            assert dt.date.fromisoformat(rec["date_of_birth"]).year <= 2026
    assert len({r["record_id"] for r in records}) == 3000


def test_truth_is_every_pair_of_records_of_one_person(register):
    records, pairs = register
    by_person: dict[str, list[str]] = {}
    for rec in records:
        by_person.setdefault(rec["cluster_id"], []).append(rec["record_id"])
    expected = sorted(tuple(sorted(p)) for ids in by_person.values() for p in itertools.combinations(ids, 2))
    assert pairs == expected
    duplicated = sum(1 for ids in by_person.values() if len(ids) > 1) / len(by_person)
    assert 0.10 <= duplicated <= 0.15
    assert max(len(ids) for ids in by_person.values()) == 3


def test_same_seed_same_data_other_seed_other_data(register):
    assert gen.registrations(3000, seed=5) == register
    assert gen.registrations(3000, seed=6)[0] != register[0]


def test_a_script_duplicate_has_names_in_script_and_no_fathers_name():
    records, _, errors, _ = gen._registrations(3000, seed=5)
    script = [r for r, e in zip(records, errors, strict=True) if "script" in e]
    assert script
    for rec in script:
        assert rec["fathers_name"] == ""
        assert all(ord(c) in ARABIC_BLOCK or c in " \u200c" for c in rec["given_name"] + rec["family_name"])


def test_stated_error_kinds_occur_among_duplicates():
    _, _, errors, _ = gen._registrations(20000, seed=2)
    kinds = Counter(k for e in errors for k in e)
    for kind in (*gen.ERROR_RATES, *gen.DATE_ERRORS, *gen.PLACE_ERRORS):
        assert kinds[kind] > 0, kind


def test_siblings_in_other_households_share_family_and_fathers_name():
    _, _, _, persons = gen._registrations(3000, seed=5)
    by_clan: dict[int, list] = {}
    for p in persons:
        by_clan.setdefault(p.clan, []).append(p)
    brothers = [
        (a, b)
        for members in by_clan.values()
        for a, b in itertools.combinations(members, 2)
        if a.household != b.household and a.father == b.father and a.family == b.family and a.given != b.given
    ]
    assert brothers


def test_queries_name_a_person_of_the_population_in_the_stated_forms():
    population = gen.search_population(2000, seed=3)
    assert len({r["record_id"] for r in population}) == 2000
    assert all(r["fathers_name"] for r in population)
    queries = gen.search_queries(population, 400, seed=3)
    ids = {r["record_id"] for r in population}
    assert all(q["record_id"] in ids and q["text"].strip() for q in queries)
    assert {q["kind"] for q in queries} == {"name+year", "name+father", "name_only", "script"}
    for q in queries:
        if q["kind"] == "name+year":
            assert q["text"].split()[-1].isdigit()
        if q["kind"] == "script":
            assert any(ord(c) in ARABIC_BLOCK for c in q["text"])
