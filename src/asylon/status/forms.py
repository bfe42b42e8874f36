"""Page forms for legal status. They parse and show errors; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.core.forms import LocalDateField, judged, judged_if_several
from asylon.registry.models import SiteDesignation

from .models import ConventionGround, CutoffKind, ExclusionClause, LegalBasis, Outcome, RecognisedBy, ReopenGround
from .transitions import Action


def _text_input() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 3})


EMPTY: list[tuple[str, Any]] = [("", "—")]


def _field(name: str) -> forms.Field:
    return {
        "on": lambda: LocalDateField(label=_("Date of this step"), required=False),
        "interview_on": lambda: LocalDateField(label=_("Interview date")),
        "notes": lambda: forms.CharField(label=_("Interview notes"), widget=_text_input()),
        "assessment": lambda: forms.CharField(label=_("Assessment"), widget=_text_input()),
        "recommendation": lambda: forms.ChoiceField(
            label=_("Recommendation"),
            choices=judged([(Outcome.RECOGNISED, _("recognise")), (Outcome.REJECTED, _("reject"))]),
        ),
        "indications": lambda: forms.CharField(label=_("Art. 1F indications"), widget=_text_input()),
        "clause": lambda: forms.ChoiceField(label=_("Clause"), choices=judged(ExclusionClause.choices)),
        "reasons": lambda: forms.CharField(label=_("Reasons"), widget=_text_input()),
        "outcome": lambda: forms.ChoiceField(label=_("Outcome"), choices=judged(Outcome.choices)),
        "decide_outcome": lambda: forms.ChoiceField(
            label=_("Outcome"),
            choices=judged([(Outcome.RECOGNISED, _("recognised")), (Outcome.REJECTED, _("rejected"))]),
        ),
        "grounds": lambda: forms.MultipleChoiceField(
            label=_("Grounds (for a recognition)"),
            choices=ConventionGround.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        ),
        "legal_basis": lambda: forms.ChoiceField(
            label=_("Legal basis (for a recognition)"), choices=EMPTY + LegalBasis.choices, required=False
        ),
        "recognised_by": lambda: forms.ChoiceField(
            label=_("Recognised by (for a recognition)"), choices=EMPTY + RecognisedBy.choices, required=False
        ),
        "appeal_grounds": lambda: forms.CharField(label=_("Grounds of appeal"), required=False, widget=_text_input()),
        "ground": lambda: forms.ChoiceField(label=_("Ground for reopening"), choices=judged(ReopenGround.choices)),
        "explanation": lambda: forms.CharField(label=_("Explanation"), widget=_text_input()),
    }[name]()


# The fields each step asks for (form field name -> service data key, when they differ).
STEP_FIELDS: dict[str, list[str]] = {
    Action.SCHEDULE_INTERVIEW: ["interview_on"],
    Action.RECORD_NO_SHOW: [],
    Action.CLOSE_ABANDONED: ["reasons"],
    Action.RECORD_INTERVIEW: ["notes"],
    Action.ASSESS: ["assessment", "recommendation"],
    Action.FLAG_EXCLUSION: ["indications"],
    Action.ASSESS_EXCLUSION: ["clause", "assessment"],
    Action.DECIDE_EXCLUSION: ["reasons"],
    Action.CLEAR_EXCLUSION: ["reasons"],
    Action.DECIDE: ["decide_outcome", "reasons", "grounds", "legal_basis", "recognised_by"],
    Action.NOTIFY: [],
    Action.LODGE_APPEAL: ["appeal_grounds"],
    Action.FINALISE: [],
    Action.DECIDE_APPEAL: ["outcome", "reasons", "grounds", "legal_basis", "recognised_by"],
    Action.NOTIFY_APPEAL: [],
    Action.REOPEN: ["ground", "explanation"],
}
RENAME = {"decide_outcome": "outcome", "appeal_grounds": "grounds"}


def step_form(action: str, data=None) -> forms.Form:
    """A form for one step, its fields prefixed by the action so several fit on one page."""
    fields = {name: _field(name) for name in [*STEP_FIELDS[action], "on"]}
    form_class = type(f"StepForm_{action}", (forms.Form,), fields)
    form = form_class(data, prefix=action)
    form.action = action
    form.label = Action(action).label
    return form


def step_data(form: forms.Form) -> dict:
    data = {RENAME.get(k, k): v for k, v in form.cleaned_data.items() if k != "on" and v not in (None, "", [])}
    return data


class CaseForm(forms.Form):
    applicant = forms.CharField(label=_("Principal applicant (reference)"), max_length=20)
    dependants = forms.CharField(
        label=_("Dependants (references, separated by spaces)"), required=False, max_length=500
    )
    registered_on = LocalDateField(label=_("Registered on"), required=False)


class DeclarationForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.ChoiceField(label=_("Site"))
    nationality = CountryField().formfield(label=_("Nationality"))
    cutoff_kind = forms.ChoiceField(label=_("Criterion"), choices=judged(CutoffKind.choices))
    cutoff_date = LocalDateField(label=_("Before this date"))
    ethnicity = forms.CharField(label=_("Specific group (ethnicity, optional)"), required=False, max_length=100)
    effective_on = LocalDateField(label=_("Effective date"))
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=judged(LegalBasis.choices))
    recognised_by = forms.ChoiceField(label=_("Recognised by"), choices=judged(RecognisedBy.choices))
    legal_basis_text = forms.CharField(label=_("Legal basis (text of the act)"), widget=_text_input())

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = judged_if_several((s.code, str(s)) for s in sites)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the revocation"), widget=_text_input())


class DesignationForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.ChoiceField(label=_("Site"))
    designation = forms.ChoiceField(label=_("Designation"), choices=judged(SiteDesignation.choices))
    effective_on = LocalDateField(label=_("Effective date"))
    legal_basis_text = forms.CharField(label=_("Legal basis (text of the act)"), widget=_text_input())

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = judged_if_several((s.code, str(s)) for s in sites)


class StatusOnForm(forms.Form):
    """The day the person page's status is shown as of (a GET filter)."""

    on = LocalDateField(label=_("Status on"), required=False)
