from django import forms
from django.utils.translation import gettext_lazy as _


class EventFilterForm(forms.Form):
    person = forms.CharField(label=_("Person reference"), required=False, max_length=40)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.CharField(label=_("Action"), required=False, max_length=80)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end is before the start."))
        return data
