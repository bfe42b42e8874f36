"""Field checks the status writers share. Each reads one field of a step's data, adds a
translated message under the field's name to `errors` when it is missing or not allowed, and
returns the cleaned value, so that a writer reports every wrong field at once (InvalidInput).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


def required_text(data: dict, field: str, errors: dict, message: str | None = None) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    return value


def one_of(data: dict, field: str, choices, errors: dict, allowed: Iterable[str] | None = None) -> str:
    value = str(data.get(field) or "")
    valid = list(allowed) if allowed is not None else list(choices.values)
    if value not in valid:
        errors.setdefault(field, []).append(_("Choose one of: %(v)s.") % {"v": ", ".join(valid)})
    return value
