"""One error summary for every form: `{% load asylon_forms %}{% error_summary form formset %}`.

A form that comes back with errors opens on a summary at its top (role=alert, focused on
load by its `autofocus`: no script) that lists every error and links each to its field, so a clerk on a
phone does not scroll 2,500 pixels to find the one field that refused. It renders nothing
for a form without errors. Forms, formsets and None (a form the page did not build) may be
passed in any number."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the field to jump to; "" when the error is the form's own


def problems(*items) -> list[Problem]:
    """Every error of the forms and formsets, in the order the page shows them."""
    found: list[Problem] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            if not item.is_bound:
                continue
            found += [Problem(str(m)) for m in item.non_form_errors()]
            for n, form in enumerate(item.forms, start=1):
                prefix = gettext("Member %(n)s") % {"n": n}
                found += _form_problems(form, prefix)
        elif isinstance(item, forms.BaseForm):
            found += _form_problems(item, "")
    return found


def _form_problems(form: forms.BaseForm, prefix: str) -> list[Problem]:
    if not form.is_bound:
        return []
    found = [Problem(str(m), prefix) for m in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        label = f"{prefix} · {bound.label}" if prefix else str(bound.label)
        anchor = "" if bound.is_hidden else bound.id_for_label
        found += [Problem(str(m), label, anchor) for m in errors]
    return found


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*items) -> dict:
    return {"problems": problems(*items)}
