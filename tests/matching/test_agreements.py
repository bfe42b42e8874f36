"""The search's agreement tables (`ranking.AGREEMENTS`, `YEAR_AGREEMENTS`, `DATE_AGREEMENTS`): every row
decides its own examples and gives them the similarity it names, so that each change of the
ranking is one row and its examples; and the orders a clerk reads that the rows make."""

import datetime as dt

import pytest

from asylon.matching.ranking import (
    AGREEMENTS,
    DATE_AGREEMENTS,
    YEAR_AGREEMENTS,
    QueryScorer,
    agreement,
    date_agreement,
    name_words,
    typed_word,
    year_agreement,
)
from asylon.matching.search import parse_query


def _words(query: str, registered: str):
    # "~word": a word the register does not know, as the search hands it to the ranking.
    a = typed_word(query[1:], registered) if query.startswith("~") else name_words(query)[0]
    return a, name_words(registered)[0]


@pytest.mark.parametrize("row", AGREEMENTS, ids=lambda row: row.name)
def test_each_row_decides_its_examples(row):
    assert row.examples, f"row {row.name} has no example"
    for query, registered, similarity in row.examples:
        decided, got = agreement(*_words(query, registered))
        assert (decided.name, got) == (row.name, pytest.approx(similarity, abs=0.0015)), (query, registered)


def test_rows_have_distinct_names():
    names = [row.name for row in AGREEMENTS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("scripts", ["latin", "persian", "across"])
def test_each_script_ends_on_a_row_for_any_pair(scripts):
    last = [row for row in AGREEMENTS if row.scripts in ("any", scripts)][-1]
    assert last.name.endswith("another name")


@pytest.mark.parametrize("row", YEAR_AGREEMENTS, ids=lambda row: row.name)
def test_each_year_row_decides_its_examples(row):
    assert row.examples, f"row {row.name} has no example"
    for year, recorded in row.examples:
        born = dt.date.fromisoformat(recorded) if recorded else None
        assert year_agreement(year, born).name == row.name, (year, recorded)


@pytest.mark.parametrize("row", DATE_AGREEMENTS, ids=lambda row: row.name)
def test_each_date_row_decides_its_examples(row):
    assert row.examples, f"row {row.name} has no example"
    for asked, recorded in row.examples:
        born = dt.date.fromisoformat(recorded) if recorded else None
        assert date_agreement(dt.date.fromisoformat(asked), born).name == row.name, (asked, recorded)


def _person(given: str, family: str, father: str = "", born: str = "", sex: str = "") -> dict:
    return {
        "given_name": given,
        "family_name": family,
        "fathers_name": father,
        "given_name_original": "",
        "family_name_original": "",
        "fathers_name_original": "",
        "date_of_birth": dt.date.fromisoformat(born) if born else None,
        "sex": sex,
    }


def _ranked(query: str, *persons: dict) -> list[str]:
    """The persons as the search would order them for the query (best first), by name."""
    parsed = parse_query(query)
    scorer = QueryScorer(name_words(parsed.text), parsed.year, parsed.born, parsed.sex)
    ranked = sorted(persons, key=lambda p: -scorer.score(p))
    return [
        f"{p['given_name']} {p['family_name']} ({p['fathers_name']}) {p['date_of_birth'] or ''}".strip() for p in ranked
    ]


def test_a_daughter_of_the_name_asked_ranks_under_the_person_of_that_name():
    ranked = _ranked(
        "Husayn Hosseini",
        _person("Zahra", "Husseini", "Hossein"),
        _person("Hossein", "Husseini", "Mohammad"),
    )
    assert ranked[0] == "Hossein Husseini (Mohammad)"


def test_the_fathers_name_asked_after_the_given_name_is_taken_so():
    ranked = _ranked(
        "Mohammad Saidi son of Ahmad",
        _person("Ahmad", "Saidi", "Mohammad"),
        _person("Mohammad", "Saidi", "Ahmad"),
    )
    assert ranked[0] == "Mohammad Saidi (Ahmad)"


def test_the_name_asked_born_a_year_off_ranks_over_another_name_born_in_the_year():
    ranked = _ranked(
        "Fatemeh Mahmudi 1991",
        _person("Fatemeh", "Mohammadi", "Mahdi", "1991-02-01"),
        _person("Fatemeh", "Mahmudi", "Bahroz", "1990-05-31"),
    )
    assert ranked[0] == "Fatemeh Mahmudi (Bahroz) 1990-05-31"


def test_a_year_a_digit_off_ranks_over_another_year_and_an_estimated_one_over_both():
    ranked = _ranked(
        "Ali Karimi 1985",
        _person("Ali", "Karimi", "Reza", "1979-05-02"),
        _person("Ali", "Karimi", "Hassan", "1995-05-02"),
        _person("Ali", "Karimi", "Hamid", "1987-01-01"),
    )
    assert ranked == [
        "Ali Karimi (Hamid) 1987-01-01",
        "Ali Karimi (Hassan) 1995-05-02",
        "Ali Karimi (Reza) 1979-05-02",
    ]


def test_the_name_in_either_order_finds_the_person():
    ranked = _ranked("Hosseini Abbas", _person("Hosseini", "Abbasi", "Ali"), _person("Abbas", "Hosseini", "Ali"))
    assert ranked[0] == "Abbas Hosseini (Ali)"


@pytest.mark.parametrize(
    "query",
    ["Ali Karimi 1985-03-12", "Ali Karimi 12/03/1985", "Ali Karimi 12.3.1985", "علی کریمی ۱۹۸۵/۰۳/۱۲"],
)
def test_a_whole_date_of_birth_puts_the_namesake_born_that_day_first(query):
    ranked = _ranked(
        query,
        _person("Ali", "Karimi", "Reza", "1985-07-30"),
        _person("Ali", "Karimi", "Hassan", "1985-01-01"),
        _person("Ali", "Karimi", "Hamid", "1985-03-12"),
        _person("Ali", "Karimi", "Saeed", "1985-12-03"),
    )
    assert ranked == [
        "Ali Karimi (Hamid) 1985-03-12",
        "Ali Karimi (Saeed) 1985-12-03",
        "Ali Karimi (Hassan) 1985-01-01",
        "Ali Karimi (Reza) 1985-07-30",
    ]


def test_a_date_is_read_whole_and_a_word_saying_born_is_no_name():
    assert (parse_query("Ali Karimi 1985-03-12").born, parse_query("Ali Karimi 1985-03-12").names) == (
        dt.date(1985, 3, 12),
        ["Ali", "Karimi"],
    )
    assert parse_query("Ali Karimi 03/25/1985").born == dt.date(1985, 3, 25)  # the day cannot be the month
    assert (parse_query("Ali Karimi 1985-13-02").born, parse_query("Ali Karimi 1985-13-02").year) == (None, 1985)
    for text in ("Ali Karimi b.1985", "Ali Karimi b. 1985", "Ali Karimi born 1985", "Ali Karimi (1985)"):
        assert (parse_query(text).names, parse_query(text).year) == (["Ali", "Karimi"], 1985), text


def test_son_of_or_daughter_of_puts_the_person_of_that_sex_first():
    assert parse_query("Zahra Karimi daughter of Ali").sex == "F"
    assert parse_query("Ali pesar-e Reza Karimi").sex == "M"
    assert parse_query("Ali Reza Karimi").sex == ""
    ranked = _ranked(
        "Nour Karimi daughter of Ali",
        _person("Nour", "Karimi", "Ali", sex="M"),
        _person("Nour", "Karimi", "Ali", "1990-01-01", sex="F"),
    )
    assert ranked[0] == "Nour Karimi (Ali) 1990-01-01"
    # A sex unrecorded is no contradiction.
    ranked = _ranked(
        "Nour Karimi son of Ali", _person("Nour", "Kerimi", "Ali", sex="M"), _person("Nour", "Karimi", "Ali")
    )
    assert ranked[0] == "Nour Karimi (Ali)"


def test_a_long_vowel_written_in_persian_tells_the_name_from_one_without_it():
    ranked = _ranked(
        "زلیخا حسینی",
        _person("Zoleykha", "Hassani", "Ali"),
        _person("Zuleikha", "Husaini", "Ali"),
    )
    assert ranked[0] == "Zuleikha Husaini (Ali)"


def test_a_qaf_romanised_k_is_the_name_but_ranks_under_its_spellings_with_q():
    ranked = _ranked(
        "حسن قاسمیان",
        _person("Hossein", "Ghasemian", "Ali"),
        _person("Hassan", "Kasemian", "Abdullah"),
    )
    assert ranked[0] == "Hassan Kasemian (Abdullah)"
    ranked = _ranked("علی اصغری", _person("Ali", "Asgari", "Reza"), _person("Ali", "Asghari", "Reza"))
    assert ranked[0] == "Ali Asghari (Reza)"


def test_arabic_french_and_turkish_romanisations_of_the_name_rank_over_another_name():
    # ج written dj, a final د written t, ض written d: spellings of the name asked, not of
    # the other name one letter away (Jafari, Mahmad, Husseini).
    ranked = _ranked("Yousef Jabbari", _person("Yousef", "Jafari", "Ali"), _person("Yusuf", "Djabbari", "Hamid"))
    assert ranked[0] == "Yusuf Djabbari (Hamid)"
    ranked = _ranked("Mahmud Sadeghi", _person("Mahmad", "Sadeghi", "Ali"), _person("Mahmut", "Sadeqi", "Yaqub"))
    assert ranked[0] == "Mahmut Sadeqi (Yaqub)"
    ranked = _ranked("Ridha Hasani", _person("Ridha", "Husseini", "Ali"), _person("Rida", "Hasseni", "Abbas"))
    assert ranked[0] == "Rida Hasseni (Abbas)"
