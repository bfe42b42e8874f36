"""The register's duplicate scorer: what a reviewer would notice in its pairs."""

from __future__ import annotations

import pytest

from asylon.demo.synthetic import generate_population
from asylon.matching.scorer import LEVEL_LABELS, NULL, register_deduplicator


@pytest.fixture(scope="module")
def population():
    return generate_population(4000, seed=7)


def _with(records: list[dict], *extra: dict) -> list[dict]:
    return [*records, *extra]


def _pair_of(scored, i: int, j: int):
    return next((p for p in scored if {p.i, p.j} == {i, j}), None)


def test_a_reregistration_with_day_and_month_swapped_and_no_fathers_name_is_found(population):
    records, _ = population
    first = SIAVASH
    again = {**first, "record_id": "B", "fathers_name": "", "date_of_birth": "1984-07-03", "given_name": "SIAVASH"}
    rows = _with(records, first, again)
    pair = _pair_of(register_deduplicator().run(rows), len(records), len(records) + 1)
    assert pair is not None and pair.probability >= 0.5
    given, father, _family, birth, *_rest = pair.levels
    assert (father, birth) == (NULL, LEVEL_LABELS["date"].index("day/month swapped"))


def test_sisters_sharing_family_and_fathers_name_are_not_paired(population):
    records, _ = population
    household = {"fathers_name": "Hossein", "family_name": "Zanganeh", "sex": "F", "place_of_birth": "Yazd"}
    sister = {**household, "record_id": "S1", "given_name": "Maryam", "date_of_birth": "2001-01-14"}
    other_sister = {**household, "record_id": "S2", "given_name": "Marzieh", "date_of_birth": "2004-12-02"}
    scored = register_deduplicator().run(_with(records, sister, other_sister))
    assert _pair_of(scored, len(records), len(records) + 1) is None


def test_the_synthetic_register_is_deduplicated_with_high_precision_and_recall(population):
    records, truth = population
    ids = [r["record_id"] for r in records]
    found = {tuple(sorted((ids[p.i], ids[p.j]))) for p in register_deduplicator().run(records)}
    true_found = len(found & set(truth))
    assert true_found / len(truth) >= 0.95
    assert true_found / len(found) >= 0.9


def test_an_explanation_names_each_field_and_the_missing_ones(population):
    records, _ = population
    dedup = register_deduplicator()
    rows = dedup.prepare(records)
    pairs = dedup.candidate_pairs(rows)
    model, scored = dedup.score(rows, pairs)
    with_missing = next(p for p in scored if NULL in p.levels)
    explanation = dedup.explain(model, with_missing.levels)
    assert "missing" in explanation.values()
    assert "missing fields" in explanation
    assert rows[with_missing.i]["given_name"]  # a prepared record reads as its values


SIAVASH = {
    "record_id": "A",
    "given_name": "Siavash",
    "fathers_name": "Bahram",
    "family_name": "Khoshnevis",
    "date_of_birth": "1984-03-07",
    "sex": "M",
    "place_of_birth": "Shiraz",
}


def _candidates_and_pair(records: list[dict], first: dict, again: dict):
    dedup = register_deduplicator()
    rows = dedup.prepare(_with(records, first, again))
    i, j = len(records), len(records) + 1
    candidates = {tuple(p) for p in dedup.candidate_pairs(rows).tolist()}
    return (i, j) in candidates, _pair_of(dedup.run(_with(records, first, again)), i, j)


def test_a_reregistration_missing_date_of_birth_and_fathers_name_is_a_candidate_pair(population):
    again = {**SIAVASH, "record_id": "B", "fathers_name": "", "date_of_birth": ""}
    is_candidate, _pair = _candidates_and_pair(population[0], SIAVASH, again)
    assert is_candidate


def test_a_reregistration_without_date_of_birth_and_a_slip_in_the_family_name_is_found(population):
    again = {**SIAVASH, "record_id": "B", "family_name": "Khosnevis", "date_of_birth": ""}
    is_candidate, pair = _candidates_and_pair(population[0], SIAVASH, again)
    assert is_candidate and pair is not None and pair.probability >= 0.5


def test_a_year_off_by_one_on_the_same_day_with_a_slip_in_the_family_name_is_found(population):
    again = {**SIAVASH, "record_id": "B", "family_name": "Khosnevis", "date_of_birth": "1985-03-07"}
    is_candidate, pair = _candidates_and_pair(population[0], SIAVASH, again)
    assert is_candidate and pair is not None and pair.probability >= 0.5
    assert pair.levels[3] == LEVEL_LABELS["date"].index("same day and month, year off by one or ten")


def test_slips_in_both_the_given_and_the_family_name_still_pair_on_date_and_place(population):
    again = {**SIAVASH, "record_id": "B", "given_name": "Siavsh", "family_name": "Khosnevis"}
    is_candidate, pair = _candidates_and_pair(population[0], SIAVASH, again)
    assert is_candidate and pair is not None and pair.probability >= 0.5


def test_a_short_name_in_persian_script_agrees_with_its_romanisation(population):
    ali = {**SIAVASH, "given_name": "Ali"}
    again = {**ali, "record_id": "B", "given_name": "علی", "fathers_name": "بهرام", "date_of_birth": ""}
    _is_candidate, pair = _candidates_and_pair(population[0], ali, again)
    assert pair is not None and pair.probability >= 0.5
    assert pair.levels[0] == LEVEL_LABELS["name"].index("same skeleton")


@pytest.mark.parametrize("second_birth", ["2001-09-23", ""], ids=["same year", "no date of birth"])
def test_two_sisters_born_the_same_year_with_the_same_family_and_fathers_names_are_not_paired(population, second_birth):
    records, _ = population
    household = {"fathers_name": "Hossein", "family_name": "Zanganeh", "sex": "F", "place_of_birth": "Yazd"}
    sister = {**household, "record_id": "S1", "given_name": "Maryam", "date_of_birth": "2001-01-14"}
    other_sister = {**household, "record_id": "S2", "given_name": "Fatemeh", "date_of_birth": second_birth}
    scored = register_deduplicator().run(_with(records, sister, other_sister))
    assert _pair_of(scored, len(records), len(records) + 1) is None


def test_a_reregistration_with_given_and_family_name_exchanged_is_found(population):
    records, _ = population
    first = {**SIAVASH, "record_id": "SW1", "given_name": "Kourosh", "family_name": "Zanganeh"}
    again = {**first, "record_id": "SW2", "given_name": "Zangeneh", "family_name": "Kourosh", "fathers_name": ""}
    pair = _pair_of(register_deduplicator().run(_with(records, first, again)), len(records), len(records) + 1)
    assert pair is not None and pair.probability >= 0.5
    given, _father, family, *_rest = pair.levels
    assert (given, family) == (0, 1)  # read crossed: Kourosh exact, Zanganeh/Zangeneh one skeleton


def test_two_persons_whose_names_are_merely_exchanged_with_nothing_else_in_common_are_not_paired(population):
    records, _ = population
    one = {
        "record_id": "X1",
        "given_name": "Abbas",
        "family_name": "Kamali",
        "fathers_name": "Yousef",
        "date_of_birth": "1961-03-02",
        "sex": "M",
        "place_of_birth": "Herat",
    }
    other = {
        "record_id": "X2",
        "given_name": "Kamali",
        "family_name": "Abbas",
        "fathers_name": "Nader",
        "date_of_birth": "1990-11-20",
        "sex": "M",
        "place_of_birth": "Basra",
    }
    assert _pair_of(register_deduplicator().run(_with(records, one, other)), len(records), len(records) + 1) is None


def test_a_year_mistyped_by_ten_on_the_same_day_is_found(population):
    records, _ = population
    first = {**SIAVASH, "record_id": "T1"}
    again = {**SIAVASH, "record_id": "T2", "date_of_birth": "1994-03-07", "place_of_birth": ""}
    pair = _pair_of(register_deduplicator().run(_with(records, first, again)), len(records), len(records) + 1)
    assert pair is not None and pair.probability >= 0.5
    assert pair.levels[3] == LEVEL_LABELS["date"].index("same day and month, year off by one or ten")
