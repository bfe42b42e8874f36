"""A page whose URL holds a control character answers 400 naming the part refused, never a 500.

On PostgreSQL each of these was a 500 (a NUL byte in a reference read from the path, or in a
query parameter that filters without a form); SQLite merely found nothing."""

from __future__ import annotations

import pytest
from tests.signin import sign_in

PATHS = [
    "/persons/AAA%00/",
    "/households/AAA%00/",
    "/persons/AAA%00/status/",
    "/incidents/AAA%00/",
    "/movements/AAA%00/",
    "/movements/group/AAA%00/",
    "/movements/persons/AAA%00/risk/",
    "/rsd/AAA%00/",
    "/resettlement/cases/AAA%00/",
]


@pytest.mark.parametrize("url", PATHS)
def test_a_nul_byte_in_a_pages_path_is_a_400(client, protection_officer, url):
    sign_in(client, protection_officer)
    response = client.get(url)
    assert response.status_code == 400
    assert "must not contain control characters (found U+0000)" in response.content.decode()


def test_a_nul_byte_in_a_filter_is_a_400_naming_it(client, protection_officer):
    sign_in(client, protection_officer)
    response = client.get("/resettlement/?stage=SUBMITTED%00")
    assert response.status_code == 400
    assert "The parameter “stage” must not contain control characters (found U+0000)." in response.content.decode()


def test_ordinary_filters_still_work(client, protection_officer, household):
    sign_in(client, protection_officer)
    assert client.get("/resettlement/?stage=SUBMITTED").status_code == 200
    assert client.get("/persons/search/?q=Sara").status_code == 200
