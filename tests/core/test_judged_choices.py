"""Issue 19, item 4: every choice the user must judge starts empty, and must be made.

One row per judged field across the page forms: the form renders no answer selected and
the field is required (the incident pages' refusals are in tests/incidents).
"""

from __future__ import annotations

import pytest
from tests.html_text import select_options

from asylon.accounts import forms as accounts
from asylon.incidents import forms as incidents
from asylon.movements import forms as movements
from asylon.registry import forms as registry
from asylon.sharing import forms as sharing
from asylon.status import forms as status

JUDGED = [
    (
        lambda: incidents.IncidentForm(sites=[], locations=[]),
        ["kind", "occurred_precision", "severity", "perpetrator_category"],
    ),
    (lambda: incidents.AffectedForm(), ["harm"]),
    (lambda: incidents.FollowUpForm(owners=[]), ["owner"]),
    (lambda: movements.MovementForm(sites=None), ["kind"]),
    (lambda: movements.RiskCountryForm(), ["kind"]),
    (lambda: sharing.RecipientForm(), ["kind"]),
    (lambda: movements.AuthorityForm(), ["kind"]),
    (lambda: status.DeclarationForm(), ["cutoff_kind", "legal_basis", "recognised_by"]),
    (lambda: status.DesignationForm(), ["designation"]),
    (lambda: status.step_form("assess"), ["recommendation"]),
    (lambda: status.step_form("decide"), ["decide_outcome"]),
    (lambda: status.step_form("assess_exclusion"), ["clause"]),
    (lambda: status.step_form("reopen"), ["ground"]),
    (lambda: accounts.AccountForm(), ["role"]),
    (lambda: registry.MemberForm(), ["dob_precision"]),
]


@pytest.mark.parametrize(("make", "fields"), JUDGED, ids=lambda v: "+".join(v) if isinstance(v, list) else "")
def test_a_judged_choice_starts_on_choose_and_must_be_made(make, fields):
    form = make()
    for name in fields:
        options = select_options(str(form[name]), form[name].html_name)
        assert options[0].value == "" and options[0].text == "— choose —"
        assert not any(o.selected and o.value for o in options), f"{name} pre-selects an answer"
        assert form.fields[name].required, f"{name} may be left on “choose”"


class _Site:
    def __init__(self, pk: int, code: str):
        self.pk, self.code = pk, code

    def __str__(self) -> str:
        return f"{self.code} camp"


TWO_SITES = [_Site(1, "AAA"), _Site(2, "BBB")]
SITE_FORMS = [
    pytest.param(lambda sites: status.DeclarationForm(sites=sites), id="declaration"),
    pytest.param(lambda sites: status.DesignationForm(sites=sites), id="designation"),
    pytest.param(lambda sites: incidents.IncidentForm(sites=sites, locations=[]), id="incident"),
    pytest.param(lambda sites: incidents.RollCallForm(sites=sites, blocks=[]), id="roll-call"),
    pytest.param(lambda sites: registry.HouseholdForm(sites=sites), id="household"),
]


@pytest.mark.parametrize("make", SITE_FORMS)
def test_with_several_sites_the_site_must_be_chosen(make):
    form = make(TWO_SITES)
    options = select_options(str(form["site"]), "site")
    assert [o.text for o in options] == ["— choose —", "AAA camp", "BBB camp"]
    assert not any(o.selected and o.value for o in options) and form.fields["site"].required


@pytest.mark.parametrize("make", SITE_FORMS)
def test_with_one_site_it_is_the_only_answer(make):
    options = select_options(str(make(TWO_SITES[:1])["site"]), "site")
    assert [o.text for o in options] == ["AAA camp"]
