from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asylon.core.i18n import Calendar, Digits


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PreferencesForm(forms.Form):
    """The user's own interface preferences (accounts/preferences/)."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    digits = forms.ChoiceField(label=_("Digits"), choices=Digits.choices)
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=Calendar.choices,
        help_text=_("Dates known only to the month or the year stay in the Gregorian calendar."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("as my browser asks"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"
