"""The forms of the case pages. The assessment form is built from `assessments.QUESTIONS`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField

from . import assessments
from .models import CaseType, ClosureReason, ConsentGiver, ConsentScope, RiskLevel, Service
from .referrals import SHAREABLE


def _blank(choices) -> list[tuple[str, Any]]:
    return [("", _("— choose —")), *choices]


def _field_choices() -> list[tuple[str, Any]]:
    return [(name, s.label) for name, s in SHAREABLE.items()]


class StepForm(forms.Form):
    """A form of the case page: its fields' ids carry the step's name, for the page holds
    several forms with a field of the same name (service, recipient, share, note)."""

    step = ""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", f"{self.step}_%s")
        super().__init__(*args, **kwargs)


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class OpenForm(forms.Form):
    person = forms.CharField(label=_("Person's reference"), max_length=20, required=False)
    household = forms.CharField(label=_("or household's reference"), max_length=20, required=False)
    case_type = forms.ChoiceField(label=_("Case type"), choices=_blank(CaseType.choices))
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=_blank(RiskLevel.choices))
    caseworker = WorkerChoice(label=_("Caseworker"), queryset=None)
    supervisor = WorkerChoice(label=_("Supervisor"), queryset=None, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    need = forms.IntegerField(widget=forms.HiddenInput, required=False)
    incident = forms.CharField(widget=forms.HiddenInput, required=False, max_length=24)
    mark = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, workers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = workers  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = workers  # type: ignore[attr-defined]


class ConsentForm(StepForm):
    step = "consent"
    giver = forms.ChoiceField(label=_("Who consents"), choices=ConsentGiver.choices)
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    guardian_relation = forms.CharField(label=_("Relation to the person"), max_length=100, required=False)
    scope = forms.ChoiceField(label=_("Consent to"), choices=ConsentScope.choices)
    service = forms.ChoiceField(label=_("Service"), choices=_blank(Service.choices), required=False)
    recipient: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Partner"), queryset=None, required=False)
    share = forms.MultipleChoiceField(
        label=_("Fields that may be shared"),
        choices=_field_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = LocalDateField(label=_("Given on"), required=False)

    def __init__(self, *args: Any, recipients: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]


class AssessmentForm(StepForm):
    """The case type's questions, one field each, as declared."""

    step = "assessment"

    def __init__(self, *args: Any, case_type: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for q in assessments.questions_for(case_type):
            self.fields[q.name] = _question_field(q)


def _question_field(q: assessments.Question) -> forms.Field:
    label: Any = q.label
    if q.kind == assessments.CHOICE:
        return forms.ChoiceField(label=label, choices=_blank(q.choices), required=q.required)
    if q.kind == assessments.YES_NO:
        return forms.ChoiceField(label=label, choices=_blank([("yes", _("yes")), ("no", _("no"))]), required=q.required)
    if q.kind == assessments.DATE:
        return LocalDateField(label=label, required=q.required)
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), required=q.required)


class ActionForm(StepForm):
    step = "action"
    action = forms.CharField(label=_("Action"), max_length=300)
    owner = WorkerChoice(label=_("Owner"), queryset=None)
    due_on = LocalDateField(label=_("Due on"))

    def __init__(self, *args: Any, workers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workers  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StepForm):
    step = "review"
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    risk_level = forms.ChoiceField(
        label=_("Risk level from now on"), choices=[("", _("unchanged")), *RiskLevel.choices], required=False
    )
    next_review_on = LocalDateField(label=_("Next review (empty: set by the risk level)"), required=False)


class NoteForm(StepForm):
    step = "note"
    text = forms.CharField(label=_("Confidential note"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(StepForm):
    step = "referral"
    service = forms.ChoiceField(label=_("Service"), choices=_blank(Service.choices))
    recipient: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Partner outside the organisation"), queryset=None, required=False
    )
    internal_unit = forms.CharField(label=_("or unit inside the organisation"), max_length=200, required=False)
    share = forms.MultipleChoiceField(
        label=_("Fields to share (the minimum needed)"), choices=_field_choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, recipients: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]


class CloseForm(StepForm):
    step = "close"
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=_blank(ClosureReason.choices))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReopenForm(StepForm):
    step = "reopen"
    reason = forms.CharField(label=_("Why reopen"), max_length=500)


class AnswerForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    text = forms.CharField(label=_("Reason or outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
