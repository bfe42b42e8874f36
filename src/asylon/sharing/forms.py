"""Forms of the data-sharing page: a recipient, an agreement, a partner account's link.
They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField, judged
from asylon.movements.forms import country_field

from .models import RecipientKind


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=judged(RecipientKind.choices))
    country = country_field(_("State behind the recipient"))


class AgreementForm(forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    reference = forms.CharField(label=_("Agreement reference"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    field_list = forms.CharField(label=_("Fields covered (comma separated)"), max_length=500)
    non_refoulement_undertaking = forms.BooleanField(label=_("Undertaking on non-refoulement"), required=False)
    valid_from = LocalDateField(label=_("Valid from"))
    valid_to = LocalDateField(label=_("Valid to"), required=False)


class PartnerLinkForm(forms.Form):
    """Which partner account acts for which recipient: both lists come from the page."""

    fields: dict[str, Any]  # choices and querysets are set per request, in __init__

    recipient = forms.TypedChoiceField(label=_("Recipient"), coerce=int)
    user = forms.TypedChoiceField(label=_("Partner account"), coerce=int)

    def __init__(self, *args, recipients=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + [(r.pk, r.name) for r in recipients]
        self.fields["user"].choices = [("", "—")] + [(u.pk, u.get_username()) for u in users]
