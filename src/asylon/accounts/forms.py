from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asylon.core.forms import judged
from asylon.core.i18n import Calendar, Digits
from asylon.registry.models import Site

from .models import WorkDigest
from .roles import Role


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code from your administrator"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )


class PreferencesForm(forms.Form):
    """The user's own interface preferences (accounts/preferences/)."""

    fields: dict[str, Any]  # choices and querysets are set per request, in __init__

    language = forms.ChoiceField(label=_("Language"), required=False)
    digits = forms.ChoiceField(label=_("Digits"), choices=Digits.choices)
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=Calendar.choices,
        help_text=_("Dates known only to the month or the year stay in the Gregorian calendar."),
    )
    work_digest = forms.ChoiceField(
        label=_("E-mail me a digest of my work"),
        choices=WorkDigest.choices,
        required=False,  # a post without it (an older page, a script) asks for none
        help_text=_("How many items wait for you, and a link to them: never a name or a reference."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("as my browser asks"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def clean_work_digest(self) -> str:
        return self.cleaned_data["work_digest"] or WorkDigest.NEVER


class AccountForm(forms.Form):
    """Role, sites and active flag of a user (the administrator's user page)."""

    fields: dict[str, Any]  # choices and querysets are set per request, in __init__

    role = forms.ChoiceField(label=_("Role"), choices=judged(Role.choices))
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"), queryset=Site.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active (may log in)"), required=False)

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sites the administrator works in are offered; the service checks again.
        self.fields["sites"].queryset = sites if sites is not None else Site.objects.none()


class NewUserForm(AccountForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ["username", "role", "sites"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]
