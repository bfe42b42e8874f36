"""API authentication: a personal bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

import hmac

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from .models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            _tag, prefix, secret = token.split("_", 2)
        except ValueError:
            return None
        row = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
        if row is None or not hmac.compare_digest(row.key_hash, ApiToken.digest(secret)):
            return None
        if not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api_auth = [BearerToken(), django_auth]
