from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField

from .models import DocumentKind

LANGUAGE_CHOICES = [("en", "English"), ("fa", "فارسی"), ("ar", "العربية")]


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", "—"), *DocumentKind.choices])
    language = forms.ChoiceField(
        label=_("Printed in"), choices=LANGUAGE_CHOICES, help_text=_("The resident's language; English is added.")
    )
    valid_until = LocalDateField(label=_("Valid until"), required=False, help_text=_("Default: the usual period"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)
