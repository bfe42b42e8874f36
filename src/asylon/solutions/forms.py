"""The forms of the resettlement pages: one to open a case, one per step of a case.

Forms only parse; the services decide (and say why they refuse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField

from .models import Category, Priority, ReceivingCountry


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("— none —")), *choices]


class OpenCaseForm(forms.Form):
    household = forms.CharField(label=_("Household reference"), max_length=40)
    primary_category = forms.ChoiceField(label=_("Primary submission category"), choices=Category.choices)
    secondary_category = forms.ChoiceField(
        label=_("Secondary submission category"), choices=_blank(Category.choices), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)


class NoFields(forms.Form):
    pass


class AssessForm(forms.Form):
    need_assessment = forms.CharField(label=_("Need assessment"), widget=forms.Textarea(attrs={"rows": 3}))


class CountryForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=ReceivingCountry.objects.filter(active=True).order_by("country")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = lambda rc: rc.country.name


class DayForm(forms.Form):
    on = LocalDateField(label=_("Date"), required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class FormalitiesForm(forms.Form):
    exit_permit = forms.BooleanField(label=_("exit permit"), required=False)
    medical_clearance = forms.BooleanField(label=_("medical"), required=False)
    travel_documents = forms.BooleanField(label=_("travel documents"), required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for closing"), max_length=500)
