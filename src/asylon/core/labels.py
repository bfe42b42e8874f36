"""Words for stored codes: what a page shows where the database holds a code.

A model field with choices is shown with `get_FOO_display`; this module serves the codes
held outside such a field: audit change values, transition and queue names, dictionaries
keyed by a state. `label_of(value, model=..., field=...)` tries, in order, the field's own
choices, a country (for a country field), then every `TextChoices` of Asylon whose members
agree on one label for the code. Anything else is returned as it came: a name, a date or a
number is already what a person reads. Machine outputs (API, CSV data rows, HXL) keep codes.
"""

from __future__ import annotations

import importlib
from functools import cache

from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

# The modules that declare the choices shown across the pages; each app's models, and the
# workflow tables that keep their actions and queues beside the transitions.
CHOICE_MODULES = (
    "asylon.accounts.roles",
    "asylon.core.i18n",
    "asylon.core.models",
    "asylon.status.queries",
    "asylon.status.transitions",
)
# Change keys in audit events that hold a country code without being a model's CountryField.
COUNTRY_KEYS = frozenset(
    {
        "country",
        "nationality",
        "country_of_origin",
        "destination_country",
        "host_country",
        "requesting_state",
        "returns_to",
    }
)


@cache
def _choices_by_code() -> dict[str, list[tuple[str, object]]]:
    """Each code of every TextChoices in Asylon, with (declaring module, lazy label) pairs."""
    classes: set[type[models.TextChoices]] = set()
    modules = [importlib.import_module(name) for name in CHOICE_MODULES]
    modules += [
        config.models_module
        for config in apps.get_app_configs()
        if config.name.startswith("asylon.") and config.models_module is not None
    ]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices:
                classes.add(value)
    by_code: dict[str, list[tuple[str, object]]] = {}
    for cls in sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}"):
        for member in cls:
            if str(member.value) != member.label:
                by_code.setdefault(str(member.value), []).append((cls.__module__, member.label))
    return by_code


def _declared_label(value: str, model) -> str | None:
    """The label Asylon's choices agree on for `value`; when they differ, the model's app decides."""
    found = _choices_by_code().get(value, [])
    model = _model(model)
    if model is not None and len({str(label).casefold() for _, label in found}) > 1:
        app = f"asylon.{model._meta.app_label}."
        found = [(module, label) for module, label in found if module.startswith(app)]
    # Several meanings left would be a guess: the code stays, and the caller names the field.
    if found and len({str(label).casefold() for _, label in found}) == 1:
        return str(found[0][1])
    return None


def _model(model) -> type[models.Model] | None:
    """A model class from a class or an "app_label.model" string (as audit events name them)."""
    if model is None or isinstance(model, type):
        return model
    try:
        return apps.get_model(str(model))
    except (LookupError, ValueError):
        return None


def _field(model, field: str | None) -> models.Field | None:
    model = _model(model)
    if model is None or not field:
        return None
    try:
        found = model._meta.get_field(field)
    except Exception:  # noqa: BLE001 - a change key need not be a field (counts, reasons)
        return None
    return found if isinstance(found, models.Field) else None


def country(code) -> str | None:
    """The country's name in the active language, or None when `code` is no country code."""
    if isinstance(code, str) and len(code) == 2 and code.isupper() and code in countries:
        return str(countries.name(code))
    return None


def label_of(value, *, model=None, field: str | None = None):
    """`value` as a reader should see it: the label of a code, or the value unchanged."""
    if not isinstance(value, str) or not value:
        return value
    model_field = _field(model, field)
    if model_field is not None and model_field.choices:
        for code, label in model_field.flatchoices:
            if str(code) == value:
                return str(label)
    if isinstance(model_field, CountryField) or field in COUNTRY_KEYS:
        return country(value) or value
    if field == "legal_basis":  # stored in English as the evidence (safeguards/legal_bases.py)
        return gettext(value)
    return _declared_label(value, model) or value


# The fields a disclosure names (registry.views.PERSON_PAGE_FIELDS, a resettlement case's,
# the sensitive ones), by the words the pages show them with.
FIELD_LABELS = {
    "case_reference": _("Case reference"),
    "priority": _("Priority"),
    "primary_category": _("Primary category"),
    "reference": _("Reference"),
    "full_name": _("Name"),
    "full_name_original": _("Name (original script)"),
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "sex": _("Sex"),
    "date_of_birth": _("Date of birth"),
    "nationality": _("Nationality"),
    "country_of_origin": _("Country of origin"),
    "languages": _("Languages"),
    "site": _("Site"),
    "unit": _("Unit"),
    "household": _("Household"),
    "registered_on": _("Registered on"),
    "presence": _("Presence"),
    "specific_needs": _("Specific needs"),
    "religion": _("Religion"),
    "ethnicity": _("Ethnicity"),
}


def field_label(name: str) -> str:
    """A field's name in the reader's words (its code if it has none)."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name
