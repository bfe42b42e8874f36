"""Second factor required for every role that may see sensitive fields.

A middleware rather than a decorator so that no page can forget it. Placed after
django_otp's OTPMiddleware (which sets `request.user.is_verified()`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from asylon.core import i18n

from .twofactor import is_verified, needs_second_factor

# Pages a user who still owes the second factor may reach: to give it, or to leave.
EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:second_factor",
    "accounts:enrol_second_factor",
    "set_language",
}
API_NAMESPACE = "api-v1"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        if API_NAMESPACE in match.namespaces and request.headers.get("Authorization", "").startswith("Bearer "):
            # Token requests authenticate as the token's owner (api_auth enforces the device rule).
            return None
        if not needs_second_factor(request.user) or is_verified(request):
            return None
        if API_NAMESPACE in match.namespaces:
            return JsonResponse(
                {"code": "second_factor_required", "detail": "Verify your second factor in the browser first."},
                status=403,
            )
        url = reverse("accounts:second_factor")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class UserPreferencesMiddleware:
    """The signed-in user's language, digits and calendar for the whole request.

    After LocaleMiddleware (which chose a language from the cookie or the browser) and after
    AuthenticationMiddleware: a language stored on the user wins over both, so a user finds
    their language on any device as soon as they log in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        prefs = i18n.Preferences()
        if user is not None and user.is_authenticated:
            if user.language and translation.check_for_language(user.language):
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            prefs = i18n.Preferences(digits=user.digits, calendar=user.calendar)
        token = i18n.activate(prefs)
        try:
            return self.get_response(request)
        finally:
            i18n.deactivate(token)
