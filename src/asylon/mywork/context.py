"""The menu's "My work (n)": counted only when a page's menu shows it (`work_count` is lazy)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from asylon.core.dates import today

from .queries import count_for


def work_count(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"work_count": SimpleLazyObject(lambda: count_for(user, today()))}
