"""Helpers every page uses to turn domain errors into form errors; the health endpoint."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .errors import InvalidInput


def attach_errors(
    exc: InvalidInput, form: forms.Form, formset: forms.BaseFormSet | None = None, *, list_name: str = "members"
) -> None:
    """Show a service's field errors on the form (or on the matching formset row)."""
    for path, messages in exc.errors.items():
        parts = path.split(".")
        target, field = form, parts[0]
        if formset is not None and parts[0] == list_name and len(parts) >= 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(formset.forms):
                target, field = formset.forms[index], parts[2]
        for msg in messages:
            target.add_error(field if field in target.fields else None, msg)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public health for load balancers and monitoring: figures only, no personal data, no login
    (core/health.py). 200 when every check passes, 503 otherwise."""
    reading = health.report()
    return JsonResponse(reading, status=200 if reading["ok"] else 503)
