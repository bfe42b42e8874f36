"""Signing a test client in as a user would be after a full log-in, second factor included.

Use `sign_in(client, user)` instead of `client.force_login(user)` in page tests: for a role
that sees sensitive fields it also marks the session as having passed the second factor
(as `django_otp.login` does), which every page requires of those roles.
"""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from asylon.accounts.services import issue_api_token
from asylon.accounts.twofactor import needs_second_factor


def totp_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device (created when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or `steps_ahead` periods later; the
    device accepts one period of drift and refuses a code for a period already used)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    client.force_login(user)
    if needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def bearer(user, name: str = "test") -> dict[str, str]:
    """Headers with a fresh personal API token (enrolling a device first where one is needed)."""
    if needs_second_factor(user):
        totp_device(user)
    token = issue_api_token(actor=user, user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
