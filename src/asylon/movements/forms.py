"""Forms of the movement pages. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from asylon.core.forms import LocalDateField, judged

from .models import AuthorityKind, GateAction, MovementKind, RiskKind


def country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(name)) for code, name in countries)]


def country_field(label, required=False):
    return forms.ChoiceField(label=label, choices=country_choices, required=required)


class MovementForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    person = forms.CharField(label=_("Person reference"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind of movement"), choices=judged(MovementKind.choices))
    destination_country = country_field(_("Destination country"))
    destination_site = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label=_("Destination site (internal transfer)"), queryset=None, required=False
    )
    requesting_state = country_field(_("Requesting state (extradition)"))
    legal_reference = forms.CharField(label=_("Legal reference of the request"), max_length=200, required=False)
    court_reference = forms.CharField(label=_("Court or authority decision reference"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_site"].queryset = sites


class GroupForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)  # type: ignore[var-annotated]
    block = forms.ModelChoiceField(label=_("Block (all its residents)"), queryset=None)  # type: ignore[var-annotated]
    kind = forms.ChoiceField(label=_("Kind of movement"), choices=judged(MovementKind.choices))
    description = forms.CharField(label=_("What was asked"), max_length=300)
    destination_country = country_field(_("Destination country"))
    requesting_state = country_field(_("Requesting state (extradition)"))
    legal_reference = forms.CharField(label=_("Legal reference of the request"), max_length=200, required=False)
    court_reference = forms.CharField(label=_("Court or authority decision reference"), max_length=200, required=False)

    def __init__(self, *args, sites, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["block"].queryset = blocks


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, a.label) for a in GateAction if a != GateAction.ASSESS])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RiskCountryForm(forms.Form):
    country = country_field(_("Country"), required=True)
    kind = forms.ChoiceField(label=_("Risk"), choices=judged(RiskKind.choices))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawRiskForm(forms.Form):
    risk = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why the risk no longer applies"), max_length=500)


class RiskAssessmentForm(forms.Form):
    country = country_field(_("Destination assessed"), required=True)
    finds_no_substantial_grounds = forms.BooleanField(
        label=_("No substantial grounds for believing the person would be in danger of torture there"), required=False
    )
    finds_no_real_risk = forms.BooleanField(
        label=_("No real risk to life or of cruel, inhuman or degrading treatment there"), required=False
    )
    country_information = forms.CharField(label=_("Country information used"), widget=forms.Textarea(attrs={"rows": 2}))


class Art332Form(forms.Form):
    competent_authority = forms.CharField(label=_("Competent authority"), max_length=200)
    reference = forms.CharField(label=_("Reference of the determination"), max_length=100)
    decided_on = LocalDateField(label=_("Decided on"))


class ChainForm(forms.Form):
    country = country_field(_("Third country"), required=True)
    admission_document = forms.CharField(label=_("Admission or acceptance document"), max_length=200, required=False)
    access_to_protection = forms.BooleanField(label=_("The person will have access to protection"), required=False)
    respects_non_refoulement = forms.BooleanField(label=_("The country respects non-refoulement"), required=False)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}))


class FamilyUnityForm(forms.Form):
    member = forms.CharField(label=_("Reference of the household member who stays"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind of movement"), choices=MovementKind.choices)
    country = country_field(_("Destination"), required=True)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}))


class ChainApproveForm(forms.Form):
    assessment = forms.IntegerField(widget=forms.HiddenInput)


class VoluntarinessForm(forms.Form):
    signed_declaration = forms.BooleanField(label=_("Signed voluntary repatriation declaration"), required=False)
    counselling_record = forms.BooleanField(label=_("Counselled with up-to-date country information"), required=False)
    coercion_flag_open = forms.BooleanField(label=_("A report of pressure or coercion is open"), required=False)
    best_interests_assessment = forms.BooleanField(label=_("Best-interests assessment (child)"), required=False)
    best_interests_determination = forms.BooleanField(
        label=_("Best-interests determination (unaccompanied or separated child)"), required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(label=_("What the person said"), max_length=500)


class OnwardPolicyForm(forms.Form):
    country = country_field(_("Country"), required=True)
    nationality = country_field(_("Of persons of nationality (blank: any)"))
    returns_to = country_field(_("Sends them on to"), required=True)
    valid_from = LocalDateField(label=_("Valid from"))
    valid_to = LocalDateField(label=_("Valid to"), required=False)
    source = forms.CharField(label=_("Source"), widget=forms.Textarea(attrs={"rows": 2}))


class AuthorityForm(forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=200)
    country = country_field(_("Acts for the state of"), required=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=judged(AuthorityKind.choices))
    valid_from = LocalDateField(label=_("Valid from"))
    valid_to = LocalDateField(label=_("Valid to"), required=False)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
