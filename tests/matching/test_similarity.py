"""Name and date-of-birth similarity."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asylon.matching.similarity import (
    ADJACENT_YEAR,
    DAY_MONTH_SWAPPED,
    EXACT_DATE,
    SAME_YEAR,
    SAME_YEAR_AND_MONTH,
    SKELETON_MATCH,
    date_similarity,
    name_similarity,
    parse_birth_date,
)


@pytest.mark.parametrize("other", ["Muhammad Husseini", "MOHAMAD HOSEINI", "محمد حسینی"])
def test_spellings_of_one_name_score_high(other):
    assert name_similarity("Mohammad Hosseini", other) >= SKELETON_MATCH


def test_identical_folds_score_one():
    assert name_similarity("Mohammad Hosseini", "MOHAMMAD  hosseini") == 1.0


@pytest.mark.parametrize(("a", "b"), [("Hassan", "Hossein"), ("Ali Karimi", "Zahra Ahmadi"), ("محمد", "زهرا")])
def test_different_names_score_lower(a, b):
    assert name_similarity(a, b) < 0.85


def test_word_order_and_compounds_do_not_matter():
    assert name_similarity("Hosseini Mohammad", "Mohammad Hosseini") == pytest.approx(1.0)
    assert name_similarity("Mohammad Reza", "Mohammadreza") >= SKELETON_MATCH


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_an_empty_name_scores_zero(empty):
    assert name_similarity(empty, "Ali") == 0.0


@given(st.text(max_size=30), st.text(max_size=30))
def test_name_similarity_is_a_symmetric_score(a, b):
    score = name_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(name_similarity(b, a))


@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        ("1985-03-04", "1985-03-04", EXACT_DATE),
        (dt.date(1985, 3, 4), "1985-03-04", EXACT_DATE),
        ("1985-03-04", "1985-04-03", DAY_MONTH_SWAPPED),
        ("1985-03-04", "1985-03-21", SAME_YEAR_AND_MONTH),
        ("1985-03-04", "1985-11-21", SAME_YEAR),
        ("1985-03-04", "1985", SAME_YEAR),
        ("1985-03", "1985-03-21", SAME_YEAR_AND_MONTH),
        ("1985-03-04", "1986-03-04", ADJACENT_YEAR),
        ("1985-03-04", "1984", ADJACENT_YEAR),
        ("1985-03-04", "1990-03-04", 0.0),
    ],
)
def test_date_similarity(d1, d2, expected):
    assert date_similarity(d1, d2) == expected
    assert date_similarity(d2, d1) == expected


@pytest.mark.parametrize("missing", [None, ""])
def test_a_missing_date_is_no_evidence(missing):
    assert date_similarity("1985-03-04", missing) is None


@pytest.mark.parametrize("bad", ["03/04/1985", "1985-13", "1985-02-30", "unknown"])
def test_a_malformed_date_is_refused(bad):
    with pytest.raises(ValueError):
        parse_birth_date(bad)
