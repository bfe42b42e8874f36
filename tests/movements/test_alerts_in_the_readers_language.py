"""A protection alert is kept as messages: each reader reads it in their own language, with
countries by name and figures in their digits; the text sent by webhook stays English, and
alerts stored as text before keep reading as they were written."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation
from tests.html_text import visible_text
from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.incidents import alerts
from asylon.incidents.models import Alert
from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.registry.models import Location

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal(po, resident):
    person = resident("ASYLUM_SEEKER")
    with pytest.raises(gate.MovementRefused):
        movement_requests.request_movement(actor=po, person=person, kind="DEPORTATION_ORDER", destination_country="IR")
    return Alert.objects.get(kind="SAFEGUARD_REFUSAL")


def shown(alert: Alert, language: str) -> tuple[str, str]:
    with translation.override(language):
        return alert.shown_title, alert.shown_body


def test_the_alert_reads_in_english_with_the_countrys_name(refusal):
    title, body = shown(refusal, "en")
    assert title == "deportation or removal order AAA-MV-000001: refused by the safeguards"
    assert "N1: Iran is a country the person fled" in body
    assert "IR is a country the person fled" in refusal.body  # what the webhook carries, as before
    assert alerts.payload(refusal)["body"] == refusal.body


def test_the_alert_reads_in_persian_and_arabic(refusal):
    fa_title, fa_body = shown(refusal, "fa")
    ar_title, ar_body = shown(refusal, "ar")
    assert "ایران" in fa_body and "إيران" in ar_body
    assert "Iran" not in fa_body + ar_body and " IR " not in fa_body + ar_body
    assert "refused" not in fa_title + ar_title
    assert "رد شد" in fa_title or "پادمان" in fa_title


def test_the_notifications_page_shows_the_alert_in_the_readers_language(client, po, refusal):
    User.objects.filter(pk=po.pk).update(language="fa")
    sign_in(client, po)
    text = visible_text(client.get("/incidents/notifications/").content.decode())
    assert "ایران" in text and "Iran" not in text


def test_an_alert_stored_as_text_reads_as_it_was_written(client, po, site_a):
    with transaction.atomic():
        alerts.raise_alert(site=site_a, kind="THREAT", severity=3, title="Threat at AAA, severity 3", body="Block 1")
    User.objects.filter(pk=po.pk).update(language="fa")
    sign_in(client, po)
    text = visible_text(client.get("/incidents/notifications/").content.decode())
    assert "Threat at AAA, severity 3" in text and "Block 1" in text
    assert Alert.objects.get().message == {}


def test_a_group_alert_counts_in_the_readers_digits(po, resident, site_a):
    block = Location.objects.create(site=site_a, kind="BLOCK", name="Block 7")
    unit = Location.objects.create(site=site_a, kind="UNIT", name="B7-01", parent=block)
    for status in ("ASYLUM_SEEKER", "REFUGEE", "ASYLUM_SEEKER"):
        resident(status, unit=unit)
    movement_requests.request_group_movement(
        actor=po,
        site=site_a,
        block=block,
        kind="EXTRADITION_REQUEST",
        requesting_state="IR",
        legal_reference="Note verbale 7/2013",
        description="All residents of block 7",
    )
    alert = Alert.objects.get(kind="SAFEGUARD_REFUSAL")
    title, body = shown(alert, "fa")
    assert "۳ از ۳ رد شد" in title
    assert body.splitlines()[0].startswith("۳ نفر از ۳ نفر رد شدند؛ قواعد: ")
    assert "ایران" in body and "Iran" not in body
    assert alert.body.splitlines()[0].startswith("3 of 3 persons refused; rules: ")
