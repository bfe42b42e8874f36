"""JSON log lines carry the request's id and the acting user's id, never the user's name."""

from __future__ import annotations

import io
import json
import logging

from tests.signin import sign_in

from asylon.core.logs import JsonFormatter, RequestContextFilter


def test_a_log_line_of_a_signed_in_request_names_the_request_and_the_user_by_id(client, clerk, monkeypatch):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        sign_in(client, clerk)
        response = client.get("/persons/LIB-999999/", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404 and response["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "nothing was logged"
    line = lines[-1]
    assert line["request_id"] == "req-42" and line["user_id"] == clerk.pk
    assert line["level"] == "WARNING" and "/persons/LIB-999999/" in line["message"]
    assert clerk.username not in stream.getvalue()


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    response = client.get("/accounts/login/", headers={"X-Request-ID": "evil\nline"})
    assert response["X-Request-ID"] != "evil\nline" and len(response["X-Request-ID"]) == 32
