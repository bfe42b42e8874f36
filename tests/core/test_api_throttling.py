"""The API answers 429 with Retry-After once a caller is over its rate: per user (whichever of
their tokens they use), and per address for callers that are not signed in (refused tokens
included). Other users and other addresses are not affected."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from asylon.accounts.roles import Role
from asylon.accounts.services import issue_api_token


@pytest.fixture(autouse=True)
def tiny_rates(settings):
    settings.ASYLON_API_RATE_USER = "3/min"
    settings.ASYLON_API_RATE_ANON = "2/min"
    cache.clear()
    yield
    cache.clear()


def get(client, token: str | None, address: str = "192.0.2.10", **headers):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/persons", REMOTE_ADDR=address, **auth, **headers)


def test_a_user_over_the_rate_gets_429_with_retry_after(client, clerk, make_user):
    first, second = issue_api_token(actor=clerk, user=clerk), issue_api_token(actor=clerk, user=clerk, name="2nd")
    assert [get(client, first).status_code for _ in range(2)] == [200, 200]
    assert get(client, second).status_code == 200  # a second token draws on the same allowance
    refused = get(client, first)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["code"] == "too_many_requests"
    someone = make_user(Role.REGISTRATION_CLERK, username="other-clerk")
    other = issue_api_token(actor=someone, user=someone)
    assert get(client, other).status_code == 200


def test_an_address_guessing_tokens_gets_429_with_retry_after(client, clerk):
    guesses = [get(client, "asy_guess_wrongsecret").status_code for _ in range(3)]
    assert guesses == [401, 401, 429]
    refused = get(client, "asy_guess_wrongsecret")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert get(client, "asy_guess_wrongsecret", address="198.51.100.7").status_code == 401
    # A user signed in from the same (shared) address is counted as a user, not by address.
    assert get(client, issue_api_token(actor=clerk, user=clerk)).status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, db):
    """No proxy is trusted by default: the header is the caller's own word."""
    codes = [get(client, "asy_guess_wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(3)]
    assert codes == [401, 401, 429]
