"""Why a pair is probable, in the reader's language: every word the scorer can write has its
translation, and the review page reads it in Persian with Persian digits."""

from __future__ import annotations

import pytest
from django.utils import translation
from tests.matching.test_merge import twins  # noqa: F401  (fixture)
from tests.signin import sign_in

from asylon.matching import explain
from asylon.matching.candidates import raise_candidate
from asylon.matching.scorer import LEVEL_LABELS, REGISTER_FIELDS


def test_every_word_of_the_scorer_has_a_translation():
    words = {w for levels in LEVEL_LABELS.values() for w in levels}
    assert words - set(explain.LEVELS) == set()
    assert {f.label for f in REGISTER_FIELDS} - set(explain.FIELDS) == set()
    with translation.override("fa"):
        untranslated = [w for w in [*explain.LEVELS.values(), *explain.FIELDS.values()] if str(w).isascii()]
    assert untranslated == []


def test_a_stored_line_reads_in_persian():
    with translation.override("fa"):
        assert explain.weighed("day/month swapped (+3.5)") == f"{explain.agreement('day/month swapped')} (+۳٫۵)"
        assert explain.weighed("same (+0.0: other names)").endswith(f"(+۰٫۰: {explain.agreement('other names')})")
        assert explain.weighed("-1.2") == "-۱٫۲"
        assert explain.field_name("given name") == translation.gettext("Given name")


@pytest.mark.django_db
def test_the_review_page_explains_in_the_readers_language(client, protection_officer, twins):  # noqa: F811
    explanation = {"given name": "exact (+4.1)", "date of birth": "missing", "one household": "+1.0"}
    candidate, _ = raise_candidate(*twins, probability=0.97, match_weight=11.0, explanation=explanation)
    protection_officer.language = "fa"
    protection_officer.save(update_fields=["language"])
    page = sign_in(client, protection_officer).get(f"/persons/duplicates/{candidate.pk}/").content.decode()
    with translation.override("fa"):
        given, exact = translation.gettext("Given name"), explain.agreement("exact")
        assert f"<li>{given}: {exact} (+۴٫۱)</li>" in page
        assert f"{explain.field_name('date of birth')}: {explain.agreement('missing')}" in page
    assert "exact" not in page and "one household" not in page
