"""A person's page reads in the user's language: need labels and spoken languages in words."""

from __future__ import annotations

import pytest
from tests.conftest import member
from tests.signin import sign_in

from asylon.registry import services


@pytest.fixture
def survivor(clerk, site_a, unit_a):
    household = services.register_household(
        actor=clerk, site=site_a, unit=unit_a, members=[member(given_name="Golnar", sex="F", specific_needs=["SM-CI"])]
    )
    return household.memberships.get().person


def test_need_labels_read_in_the_users_language(client, clerk, survivor):
    clerk.language = "fa"
    clerk.save(update_fields=["language"])
    sign_in(client, clerk)
    text = client.get(f"/persons/{survivor.reference}/").content.decode()
    assert "SM-CI بیماری مزمن" in text and "Chronic illness" not in text


def test_languages_read_as_names_in_the_users_language(client, clerk, survivor):
    survivor.languages = "fa,prs,ar"
    survivor.save(update_fields=["languages"])
    clerk.language = "ar"
    clerk.save(update_fields=["language"])
    sign_in(client, clerk)
    text = client.get(f"/persons/{survivor.reference}/").content.decode()
    assert "الفارسية، الدارية، العربية" in text and "fa,prs" not in text
