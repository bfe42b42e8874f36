"""Rate limits of the API (django-ninja's throttling), read from settings on every request.

`PerUser`: a signed-in caller (token or session) gets `ASYLON_API_RATE_USER` requests
(default 600/min), counted per user whichever token they use. `PerAddress`: a caller who is not
signed in gets `ASYLON_API_RATE_ANON` (default 60/min) per client address. Ninja checks
throttles only after authentication succeeds, so `asylon.api` also counts every refused
authentication here: guessing tokens from one address is answered 429 once over the rate.
Camps share a few NAT addresses, so a signed-in user is never limited by address.

A rate of None switches a limit off (the test suite does, except the tests of these limits).
Counts live in Django's cache: the default file cache in the data dir is shared by the
processes of one machine; several machines need a shared cache (`ASYLON_CACHE_URL`).
"""

from __future__ import annotations

from math import ceil

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle

TOO_MANY = "too_many_requests"


class _FromSettings(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:
        super().__init__(rate="1/s")  # replaced by the setting at each request

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, self.setting, None)
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class PerUser(_FromSettings):
    scope = "user"
    setting = "ASYLON_API_RATE_USER"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if user is None or not getattr(user, "pk", None):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class PerAddress(_FromSettings, AnonRateThrottle):
    scope = "anon"
    setting = "ASYLON_API_RATE_ANON"


def install(api: NinjaAPI) -> None:
    """Answer 429 in the project's error format, and count refused authentications by address."""

    def too_many(request: HttpRequest, wait: float | None) -> HttpResponse:
        body = {"code": TOO_MANY, "detail": "Too many requests: wait before the next one."}
        response = api.create_response(request, body, status=429)
        if wait is not None:
            response["Retry-After"] = str(max(1, ceil(wait)))
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return too_many(request, exc.wait)  # ninja sets Retry-After too, from the same wait

    @api.exception_handler(AuthenticationError)
    def refused(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        counter = PerAddress()
        if counter.allow_request(request):
            return api.create_response(request, {"detail": "Unauthorized"}, status=401)
        return too_many(request, counter.wait())
