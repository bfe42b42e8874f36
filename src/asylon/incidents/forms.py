from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField, judged, judged_if_several
from asylon.registry.forms import by_block

from .models import Harm, IncidentKind, IncidentStatus, PerpetratorCategory, Severity, TimePrecision, Verification


def _choices(choices, blank=True):
    return ([("", "—")] if blank else []) + list(choices)


class IncidentFilterForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_choices(IncidentKind.choices))
    severity = forms.TypedChoiceField(
        label=_("Severity at least"), required=False, coerce=int, empty_value=None, choices=_choices(Severity.choices)
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_choices(IncidentStatus.choices))
    date_from = LocalDateField(label=_("From"), required=False)
    date_to = LocalDateField(label=_("To"), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "—")] + [(s.pk, s.code) for s in sites]


class IncidentForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    kind = forms.ChoiceField(label=_("What happened"), choices=judged(IncidentKind.choices))
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    occurred_precision = forms.ChoiceField(label=_("How precise is the time"), choices=judged(TimePrecision.choices))
    location = forms.TypedChoiceField(label=_("Where (block or unit)"), required=False, coerce=int, empty_value=None)
    severity = forms.TypedChoiceField(label=_("Severity"), coerce=int, choices=judged(Severity.choices))
    source = forms.CharField(label=_("Reported by / how"), required=False, max_length=200)
    verification = forms.ChoiceField(label=_("Verification"), choices=Verification.choices, required=False)
    perpetrator_category = forms.ChoiceField(label=_("Perpetrator"), choices=judged(PerpetratorCategory.choices))
    perpetrator_detail = forms.CharField(
        label=_("Perpetrator details (restricted)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    narrative = forms.CharField(
        label=_("Narrative (restricted)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    killed = forms.IntegerField(label=_("Killed"), min_value=0, initial=0)
    injured = forms.IntegerField(label=_("Injured"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, initial=0)
    detained = forms.IntegerField(label=_("Detained"), min_value=0, initial=0)

    def __init__(self, *args, sites, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = judged_if_several((s.pk, str(s)) for s in sites)
        self.fields["location"].choices = [("", "—")] + by_block(locations)


class FollowUpForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    action = forms.CharField(label=_("Action"), max_length=300)
    # Chosen among `owners`: the users who may act on the incident (queries.follow_up_owners).
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = LocalDateField(label=_("Due"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = judged((u.pk, u.username) for u in owners)


class AffectedForm(forms.Form):
    person = forms.CharField(label=_("Person reference"), max_length=20)
    harm = forms.ChoiceField(label=_("Harm"), choices=judged(Harm.choices))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File (photo, document, audio, video)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class HandOverForm(forms.Form):
    recipient = forms.CharField(label=_("Handed over to"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class RollCallForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    blocks = forms.TypedMultipleChoiceField(label=_("Blocks (none: the whole site)"), required=False, coerce=int)
    incident = forms.CharField(label=_("Incident reference (optional)"), required=False, max_length=24)

    def __init__(self, *args, sites, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = judged_if_several((s.pk, str(s)) for s in sites)
        self.fields["blocks"].choices = [(b.pk, f"{b.site.code} {b.name}") for b in blocks]


class SheetEntryForm(forms.Form):
    """Who counted a paper roll-call sheet and when, as written on it; its rows are read apart."""

    counted_by = forms.CharField(label=_("Counted by (as written on the sheet)"), max_length=120)
    counted_at = forms.DateTimeField(
        label=_("Counted at (as written on the sheet)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
