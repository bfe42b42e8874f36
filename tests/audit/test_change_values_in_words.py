"""Issue 19, item 7: the audit trail page shows what changed in words, in the reader's language.

A correction of sex and nationality and a correction of presence are recorded with their
codes (M, IR, PRESENT); the page reads "male → female", "Iran → Afghanistan",
"present → deceased", and in Persian the Persian words. The stored event keeps its codes.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django_countries import countries
from tests.access_matrix import build_world
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.registry import services


@pytest.fixture
def world(site_a, site_b, make_user):
    w = build_world(site_a, site_b, make_user)
    officer = w.users[Role.PROTECTION_OFFICER]
    services.correct_person(
        actor=officer, person=w.person, changes={"sex": "M", "nationality": "IR"}, reason="as on the card"
    )
    services.correct_person(
        actor=officer, person=w.person, changes={"sex": "F", "nationality": "AF"}, reason="interpreter's error"
    )
    services.correct_presence(actor=officer, person=w.person, presence="DECEASED", reason="death certificate")
    return w


def trail(world, lang: str) -> str:
    client = sign_in(Client(), world.users[Role.PROTECTION_OFFICER])
    client.cookies["django_language"] = lang
    response = client.get(f"/audit/?person={world.person.reference}", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return visible_text(response.content)


def test_the_trail_reads_words_where_the_event_holds_codes(world):
    text = trail(world, "en")
    assert "sex male → female" in text
    assert "nationality Iran → Afghanistan" in text
    assert "presence present → deceased" in text
    assert not re.search(r"\b(M|F|IR|AF|PRESENT|DECEASED)\b", text)
    corrected = AuditEvent.objects.filter(action="person.corrected").order_by("seq").last()
    assert corrected.changes["sex"] == ["M", "F"] and corrected.changes["nationality"] == ["IR", "AF"]


def test_a_persian_reader_reads_them_in_persian(world):
    text = trail(world, "fa")
    with translation.override("fa"):
        male, female = translation.gettext("male"), translation.gettext("female")
        iran, afghanistan = countries.name("IR"), countries.name("AF")
    assert f"{male} → {female}" in text and f"{iran} → {afghanistan}" in text
    assert male != "male" and not re.search(r"\b(M|F|IR|AF|PRESENT|DECEASED)\b", text)
