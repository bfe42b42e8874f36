"""Confirmation of big acts: say what will change, then act only when asked twice.

An act that changes many records or cannot be taken back (revoking a group declaration,
closing an incident, a negative RSD decision, a merge...) is never one click: a
preview first, then the act. Every edge follows one convention:

* a page's first POST (or GET) changes nothing: it renders what the act will change (counts,
  names) in an element with id="confirm-summary", and a form that repeats the request with
  ``<input type="hidden" name="confirm" value="yes">``; only that second POST acts;
* the API refuses the same act without ``"confirm": true`` with a 409 whose body carries
  the preview (`ConfirmationRequired`), so a client reads it before it confirms.

The previews themselves are reads of their app (`status.previews`, `incidents.previews`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import Conflict

CONFIRM = "yes"
SAMPLE = 20  # names shown before "and N more"


def confirmed(request: HttpRequest) -> bool:
    """True for the second POST, the one the confirmation page sends."""
    return request.method == "POST" and request.POST.get("confirm") == CONFIRM


def carried(request: HttpRequest, *, skip: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The first POST's fields, to repeat as hidden inputs on the confirmation form."""
    drop = {"csrfmiddlewaretoken", "confirm", *skip}
    return [(k, v) for k in request.POST if k not in drop for v in request.POST.getlist(k)]


class ConfirmationRequired(Conflict):
    """The API's answer to a big act sent without ``"confirm": true``: nothing changed."""

    code = "confirmation_required"

    def __init__(self, preview: Mapping[str, Any], message: str | None = None):
        self.preview = dict(preview)
        super().__init__(message or _("Nothing changed: read the preview and send the request again with confirm."))

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.message, "preview": self.preview}
