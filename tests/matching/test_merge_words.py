"""The merge confirmation names what moves in the reviewer's words: every kind of record that
can point to a person has a name in matching.record_kinds, translated into Persian and Arabic,
so a relation added by a new app cannot reach the page as Django's English ("risk countrys")."""

from __future__ import annotations

import pytest
from django.utils import translation

from asylon.matching.merges import person_links
from asylon.matching.record_kinds import RECORD_KINDS

LINKED = sorted({f.model._meta.label_lower for f in person_links()})


@pytest.mark.parametrize("model", LINKED)
def test_every_kind_of_record_a_merge_moves_has_a_name(model):
    assert model in RECORD_KINDS


@pytest.mark.parametrize("lang", ["fa", "ar"])
@pytest.mark.parametrize("model", LINKED)
def test_every_name_is_translated(model, lang):
    english = str(RECORD_KINDS[model])
    with translation.override(lang):
        assert str(RECORD_KINDS[model]) != english


def test_no_name_is_kept_for_a_kind_that_no_longer_points_to_a_person():
    assert sorted(RECORD_KINDS) == LINKED
