"""API authentication: a personal bearer token, or the browser session (with CSRF).

A token works until its `expires_at` (ASYLON_API_TOKEN_DAYS after issue) unless revoked
first; an expired token is refused like an unknown one. A user who needs a second factor is
accepted by token only while a confirmed TOTP device exists (tokens are issued only after
enrolment), and by session only once the session has passed the second factor.
"""

from __future__ import annotations

import hmac

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from .models import ApiToken
from .twofactor import confirmed_device, is_verified, needs_second_factor


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            _tag, prefix, secret = token.split("_", 2)
        except ValueError:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(prefix=prefix, revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not hmac.compare_digest(row.key_hash, ApiToken.digest(secret)):
            return None
        if not row.user.is_active:
            return None
        if needs_second_factor(row.user) and confirmed_device(row.user) is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class VerifiedSession(SessionAuth):
    """Django's session (CSRF-checked by ninja), refused while a second factor is owed."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and needs_second_factor(user) and not is_verified(request):
            return None
        return user


api_auth = [BearerToken(), VerifiedSession()]
