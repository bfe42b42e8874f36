from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.core.dates import today
from asylon.core.forms import LocalDateField


class StatisticsForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    on = LocalDateField(label=_("Reporting date"), required=False)
    start = LocalDateField(label=_("Series from"), required=False)
    internal = forms.BooleanField(label=_("Internal figures (not suppressed)"), required=False)

    def __init__(self, *args, sites, may_see_internal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [(s.code, str(s)) for s in sites]
        if not may_see_internal:
            del self.fields["internal"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["on"] = data.get("on") or today()
        if not data.get("start"):
            on = data["on"]
            data["start"] = on.replace(year=on.year - 1, day=1)
        return data


class SitrepForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    start = LocalDateField(label=_("From"))
    end = LocalDateField(label=_("To"))
    annex = forms.BooleanField(label=_("Add the annex with personal data"), required=False)

    def __init__(self, *args, sites, may_annex: bool, **kwargs):
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [(s.code, str(s)) for s in sites]
        if not may_annex:
            del self.fields["annex"]


class ExportForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    kind = forms.ChoiceField(label=_("What"))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    purpose = forms.CharField(label=_("Purpose (recorded; required for registers)"), required=False, max_length=200)
    sensitive = forms.BooleanField(label=_("Include sensitive fields"), required=False)

    def __init__(self, *args, sites, kinds, may_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (("site", [(s.code, str(s)) for s in sites]), ("kind", kinds)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        if not may_sensitive:
            del self.fields["sensitive"]
