"""Error pages: 400, 403, 404 and 500 extend the base template, speak the reader's language
(right to left in Persian), and give a way back. The 500 page is rendered without touching
the database, which may be what failed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation

from asylon.core import middleware

PERSIAN = {"HTTP_ACCEPT_LANGUAGE": "fa"}


def _persian_page(body: str) -> None:
    assert '<html lang="fa" dir="rtl">' in body
    assert "بازگشت به صفحهٔ آغاز شما" in body  # the way back, in Persian
    assert 'href="/"' in body


@pytest.mark.django_db
def test_a_missing_page_is_a_persian_404(client):
    response = client.get("/no-such-page/", **PERSIAN)
    body = response.content.decode()
    assert response.status_code == 404
    _persian_page(body)
    assert "یافت نشد" in body and "Not Found" not in body


@pytest.mark.django_db
def test_a_disallowed_host_is_a_persian_400(client):
    response = client.get("/", HTTP_HOST="elsewhere.example", **PERSIAN)
    body = response.content.decode()
    assert response.status_code == 400
    _persian_page(body)
    assert "درخواست خوانده نشد" in body


@pytest.mark.django_db
def test_a_control_character_in_a_filter_is_a_persian_400_naming_the_parameter(client):
    response = client.get("/resettlement/?stage=SUBMITTED%00", **PERSIAN)
    body = response.content.decode()
    assert response.status_code == 400
    _persian_page(body)
    assert "«stage»" in body and "U+0000" in body  # the parameter and the character, in a Persian sentence


@pytest.mark.django_db
def test_a_form_without_its_token_is_a_persian_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"}, **PERSIAN)
    body = response.content.decode()
    assert response.status_code == 403
    _persian_page(body)
    assert "فرم فرستاده نشد" in body and "CSRF" not in body


@pytest.mark.django_db
def test_a_denied_request_is_a_persian_403():
    request = RequestFactory().get("/")
    with translation.override("fa"):
        response = middleware.permission_denied(request, PermissionDenied())
    body = response.content.decode()
    assert response.status_code == 403
    _persian_page(body)
    assert "رد شد" in body and "نقش شما اجازهٔ این کار را نمی‌دهد" in body


def test_a_server_error_is_a_persian_500_that_queries_nothing(django_assert_max_num_queries, db):
    request = RequestFactory().get("/")
    with translation.override("fa"), django_assert_max_num_queries(0):
        response = middleware.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    _persian_page(body)
    assert "خطایی رخ داد" in body and "Server Error" not in body
