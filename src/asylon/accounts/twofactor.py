"""The second factor (TOTP, django-otp): who needs it, their device, and its QR code.

Every user who may read sensitive fields (`registry.view_sensitive`, whatever role grants
it, superusers included) must have verified a TOTP code in the current session before any
page answers them (`middleware.SecondFactorMiddleware`), and must have a confirmed device
before a personal API token can be issued or used (the token then stands for both factors:
it is a second secret handed out only after the device was proven).
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

SENSITIVE_PERMISSION = "registry.view_sensitive"


def needs_second_factor(user) -> bool:
    if not getattr(settings, "ASYLON_REQUIRE_2FA", True):
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm(SENSITIVE_PERMISSION))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user, device_id) -> TOTPDevice | None:
    """The user's unconfirmed device `device_id` (the one their enrolment code opened), if any."""
    if not device_id:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def is_verified(request) -> bool:
    user = getattr(request, "user", None)
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def qr_data_uri(text: str) -> str:
    """The text as a QR code in an SVG data URI: an <img> the CSP allows, no script."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
