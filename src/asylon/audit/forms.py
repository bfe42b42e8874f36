from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import LocalDateField


class EventFilterForm(forms.Form):
    person = forms.CharField(label=_("Person reference"), required=False, max_length=40)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    since = LocalDateField(label=_("From"), required=False)
    until = LocalDateField(label=_("To"), required=False)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end is before the start."))
        return data
