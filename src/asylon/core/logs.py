"""Structured logs: one JSON object a line (`ASYLON_LOG_FORMAT=json`), each carrying the
request's id and the acting user's id, never a name or a record.

`RequestIdMiddleware` gives each request an id (the proxy's `X-Request-ID` when it is a plain
token, else a new one), answers it in `X-Request-ID` (gunicorn's access log prints it too) and
keeps the request in a context variable; `RequestContextFilter` adds `request_id` and `user_id`
to every record logged while the request runs. The user's id is read only once Django has
loaded the user (it never makes the log line query the database).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver

_request: contextvars.ContextVar = contextvars.ContextVar("asylon_request", default=None)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        # Kept until the request is finished (not only until this middleware returns): Django
        # logs a 4xx or 5xx after the middleware chain has answered.
        _request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


@receiver(request_finished)
def _forget_request(**kwargs) -> None:
    _request.set(None)


def current() -> tuple[str | None, int | None]:
    """The running request's id and its user's id (None outside a request or before log-in)."""
    request = _request.get()
    if request is None:
        return None, None
    user = getattr(request, "_cached_user", None)  # set once Django has loaded the user
    if user is None:
        user = getattr(request, "auth", None)  # the API's token authentication
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    return getattr(request, "request_id", None), user_id


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id, record.user_id = current()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
