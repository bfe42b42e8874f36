"""The health endpoint."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public health for load balancers and monitoring: figures only, no personal data, no login
    (operations/health.py). 200 when every check passes, 503 otherwise."""
    reading = health.report()
    return JsonResponse(reading, status=200 if reading["ok"] else 503)
