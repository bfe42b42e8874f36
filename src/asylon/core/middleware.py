"""Refuse, before any view runs, a page request whose path or query string holds a control character.

Pages read URL parameters (`/persons/<reference>/`, `?stage=`) straight into queries; a NUL
byte there is a 500 on PostgreSQL, which refuses it in text, while SQLite just finds nothing.
Forms already refuse NUL (Django's ProhibitNullCharactersValidator); this covers what no form
reads. The rule is the API's (`core.api_edge`): no C0 control but tab and line breaks in a
query value, none at all in the path. The API is left to its own edge, which checks the
caller's permission first and then names the field in a 422.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from .api_edge import text_check

API_PREFIX = "/api/"


class RefuseControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            refusal = self.refusal(request)
            if refusal:
                return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> str | None:
        """The sentence that names the refused part of the URL and why, or None."""
        reason = text_check(request.path)
        if reason:
            return f"The address {reason}."
        for name, values in request.GET.lists():
            for value in (name, *values):
                reason = text_check(value, multiline=True)
                if reason:
                    return f"The parameter {name!r} {reason}."
        return None
