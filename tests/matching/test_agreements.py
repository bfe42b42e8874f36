"""The search's agreement table (`ranking.AGREEMENTS`): every row decides its own examples
and gives them the similarity it names, so that each change of the ranking is one row and
its examples."""

import pytest

from asylon.matching.ranking import AGREEMENTS, agreement, name_words, typed_word


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
