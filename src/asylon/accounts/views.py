"""Log-in pages: the second factor (verification and first enrolment) and the lock-out page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core import dates
from asylon.core.edges import errors_onto
from asylon.core.errors import Conflict
from asylon.core.types import AuthedRequest

from . import services
from .forms import EnrolmentCodeForm, PreferencesForm, TokenForm
from .twofactor import confirmed_device, is_verified, pending_device, qr_data_uri


def _next(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: AuthedRequest) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: AuthedRequest) -> HttpResponse:
    """Ask for the current TOTP code; a user without a confirmed device enrols first."""
    if is_verified(request):
        return redirect(_next(request))
    device = confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:enrol_second_factor", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _reason = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            django_otp.login(request, device)
            return redirect(_next(request))
        else:
            form.add_error("token", _("That code is not right. Codes change every 30 seconds."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request)})


# The unconfirmed device this session may confirm: set only once an enrolment code was redeemed.
ENROLMENT_DEVICE_KEY = "asylon_enrolment_device"


@login_required
@require_http_methods(["GET", "POST"])
def enrol_second_factor(request: AuthedRequest) -> HttpResponse:
    """First log-in of a user without a device: the enrolment code an administrator handed
    over, then the QR code to scan and a code from the app to confirm."""
    if is_verified(request):
        return redirect(_next(request))
    if confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:second_factor", request))
    device = pending_device(request.user, request.session.get(ENROLMENT_DEVICE_KEY))
    if device is None:
        return _ask_enrolment_code(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            device = services.confirm_totp_device(actor=request.user, device=device, token=form.cleaned_data["token"])
        if outcome.ok:
            request.session.pop(ENROLMENT_DEVICE_KEY, None)
            django_otp.login(request, device)
            return redirect(_next(request))
    return render(
        request,
        "accounts/enrol_second_factor.html",
        {
            "form": form,
            "next": _next(request),
            "qr": qr_data_uri(device.config_url),
            "secret": b32encode(device.bin_key).decode(),
        },
    )


def _ask_enrolment_code(request: AuthedRequest) -> HttpResponse:
    """Step one of enrolment: no QR secret is shown before a live enrolment code is given."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            try:
                device = services.start_totp_enrolment(actor=request.user, code=form.cleaned_data["code"])
            except Conflict:  # a device is confirmed already: the code is not needed
                return redirect(_with_next("accounts:second_factor", request))
        if outcome.ok:
            request.session[ENROLMENT_DEVICE_KEY] = device.pk
            return redirect(_with_next("accounts:enrol_second_factor", request))
    return render(request, "accounts/enrolment_code.html", {"form": form, "next": _next(request)})


def locked_out(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """django-axes lock-out answer (AXES_LOCKOUT_CALLABLE): a page saying what happened."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    """The user's own language, digits and calendar."""
    user: Any = request.user
    initial = {"language": user.language, "digits": user.digits, "calendar": user.calendar}
    initial["work_digest"] = user.work_digest
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            services.update_preferences(actor=user, **form.cleaned_data)
        if outcome.ok:
            response = redirect("accounts:preferences")
            _set_language_cookie(response, form.cleaned_data["language"])
            if form.cleaned_data["language"]:  # say it in the language just chosen
                translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Your preferences are saved."))
            return response
    return render(request, "accounts/preferences.html", {"form": form, "today": dates.today()})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the footer form), which also keeps the choice on the user."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.update_preferences(actor=request.user, language=language)
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
