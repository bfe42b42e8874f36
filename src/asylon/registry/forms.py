"""Page forms. They parse and show errors; the rules live in services and validation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from asylon.core.forms import CHOOSE, LocalDateField, judged, judged_if_several
from asylon.core.models import DatePrecision

from .models import DeathSource, Location, LocationKind, Presence, Relationship, Sex
from .queries import AGE_BRACKETS

EMPTY: list[tuple[str, Any]] = [("", "—")]


def _natural(text: str) -> tuple:
    """A sort key that puts Block 2 before Block 10: digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


def by_block(locations: Iterable[Location]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Locations as one <optgroup> per block, for every select that picks a unit: a site's
    hundreds of units read as a short list of blocks, each opening on its own units. A block
    offered itself (an incident's place may be a whole block) comes first in its group.
    The site's code leads the group's label only when the list spans several sites."""
    locations = list(locations)
    several_sites = len({loc.site_id for loc in locations}) > 1
    heads: dict[tuple, list[tuple[int, str]]] = {}  # the block itself, when it is offered
    units: dict[tuple, list[tuple[tuple, int, str]]] = {}
    for loc in locations:
        block = loc.parent if loc.parent_id and loc.parent else loc
        label = f"{loc.site.code} · {block.name}" if several_sites else block.name
        key = (loc.site.code if several_sites else "", _natural(block.name), label)
        units.setdefault(key, [])
        if loc.pk == block.pk:
            heads[key] = [(loc.pk, _("%(block)s (whole block)") % {"block": block.name})]
        else:
            units[key].append((_natural(loc.name), loc.pk, loc.name))
    return [
        (key[2], heads.get(key, []) + [(pk, name) for _n, pk, name in sorted(rows)])
        for key, rows in sorted(units.items())
    ]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of the site, chosen in a select grouped by block (`by_block`)."""

    @property  # type: ignore[override]
    def choices(self):  # type: ignore[override]
        """Read by the widget whenever the queryset is set: the units, grouped."""
        if self.queryset is None:
            return EMPTY
        return EMPTY + by_block(self.queryset.select_related("site", "parent"))


class PersonFilterForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    block = forms.TypedChoiceField(label=_("Block"), required=False, coerce=int, empty_value=None)
    presence = forms.ChoiceField(label=_("Presence"), required=False, choices=EMPTY + Presence.choices)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=EMPTY + Sex.choices)
    age_bracket = forms.ChoiceField(label=_("Age"), required=False, choices=EMPTY + [(k, k) for k in AGE_BRACKETS])
    specific_need = forms.CharField(label=_("Specific need"), required=False, max_length=8)

    def __init__(self, *args, sites=(), blocks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = EMPTY + [(s.pk, str(s)) for s in sites]
        self.fields["block"].choices = EMPTY + [(b.pk, f"{b.site.code} {b.name}") for b in blocks]


class HouseholdForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.ChoiceField(label=_("Site"))
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    arrival_date = LocalDateField(label=_("Arrival date"), required=False)

    def __init__(self, *args, sites=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = judged_if_several((s.code, str(s)) for s in sites)
        self.fields["unit"].choices = EMPTY + by_block(units)


class MemberForm(forms.Form):
    # Empty first choices, so that a row left blank on screen reads as "no member here".
    relationship = forms.ChoiceField(
        label=_("Relationship to principal applicant"), choices=EMPTY + Relationship.choices
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    fathers_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name_original = forms.CharField(label=_("Given name (original script)"), max_length=100, required=False)
    fathers_name_original = forms.CharField(label=_("Father's name (original script)"), max_length=100, required=False)
    family_name_original = forms.CharField(label=_("Family name (original script)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=EMPTY + Sex.choices)
    date_of_birth = LocalDateField(label=_("Date of birth"), required=False)
    # How much of the date is known is the clerk's judgement: no answer is chosen for them.
    dob_precision = forms.ChoiceField(label=_("Precision"), choices=judged(DatePrecision.choices))
    nationality = CountryField(blank=True).formfield(label=_("Nationality"), required=False)
    country_of_origin = CountryField(blank=True).formfield(label=_("Country of origin"), required=False)

    def to_member(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# Rows after the first may be left blank; the service checks for the principal applicant.
MemberFormSet = forms.formset_factory(MemberForm, extra=2, min_num=1, max_num=30)


class CorrectionForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    fathers_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name_original = forms.CharField(label=_("Given name (original script)"), max_length=100, required=False)
    fathers_name_original = forms.CharField(label=_("Father's name (original script)"), max_length=100, required=False)
    family_name_original = forms.CharField(label=_("Family name (original script)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = LocalDateField(label=_("Date of birth"), required=False)
    dob_precision = forms.ChoiceField(label=_("Precision"), choices=DatePrecision.choices)
    nationality = CountryField(blank=True).formfield(label=_("Nationality"), required=False)
    country_of_origin = CountryField(blank=True).formfield(label=_("Country of origin"), required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=Location.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site is not None:
            self.fields["unit"].queryset = Location.objects.filter(site=site, kind="UNIT").select_related("parent")


class PresenceCorrectionForm(forms.Form):
    """A presence corrected on the person's page (e.g. a death recorded in error)."""

    presence = forms.ChoiceField(
        label=_("Presence"), choices=[(v, label) for v, label in Presence.choices if v != Presence.MERGED]
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        help_text=_("Who saw the person, which document shows it: it stays in the audit trail."),
    )


# ---- a household's life (life_views) ------------------------------------------------------

RELATIONSHIPS = [CHOOSE, *Relationship.choices]


def _reason() -> forms.CharField:
    return forms.CharField(label=_("Reason"), max_length=300)


def _reference(label) -> forms.CharField:
    return forms.CharField(label=label, max_length=20, required=False)


class BirthForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[CHOOSE, *Sex.choices])
    date_of_birth = LocalDateField(label=_("Date of birth"))
    mother = _reference(_("Mother (reference)"))
    father = _reference(_("Father (reference)"))
    reason = _reason()


class MoveMemberForm(forms.Form):
    person = forms.CharField(label=_("Person (reference)"), max_length=20)
    target = forms.CharField(label=_("Household joined (reference)"), max_length=20)
    relationship = forms.ChoiceField(label=_("Relationship to its principal applicant"), choices=RELATIONSHIPS)
    new_principal = _reference(_("New principal applicant of the household left (reference)"))
    reason = _reason()


class UnitMoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Location.objects.none())
    reason = _reason()

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Location.objects.filter(site=site, kind=LocationKind.UNIT).select_related("parent")


class SplitForm(forms.Form):
    principal = forms.CharField(label=_("Principal applicant of the new household (reference)"), max_length=20)
    others = forms.CharField(
        label=_("Other members who leave with them (references)"),
        max_length=500,
        required=False,
        help_text=_("Separated by spaces."),
    )
    others_relationship = forms.ChoiceField(
        label=_("Their relationship to the new principal applicant"), choices=RELATIONSHIPS, required=False
    )
    new_principal = _reference(_("New principal applicant of the household left (reference)"))
    reason = _reason()


class JoinForm(forms.Form):
    target = forms.CharField(label=_("Household joined (reference)"), max_length=20)
    principal_relationship = forms.ChoiceField(
        label=_("Relationship of this principal applicant to the other"), choices=RELATIONSHIPS
    )
    reason = _reason()


class DeathReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[CHOOSE, *DeathSource.choices])
    died_on = LocalDateField(label=_("Date of death"))
    note = forms.CharField(label=_("How the death is known"), max_length=300)


class DeathDecisionForm(forms.Form):
    new_principal = _reference(_("New principal applicant (reference)"))
    reason = _reason()
