"""The steps of a resettlement case page: each box with its label, each message in a box."""

from __future__ import annotations

import re

import pytest
from tests.signin import sign_in

from asylon.solutions import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(rso, family):
    return services.open_case(actor=rso, household=family(3), primary_category="LPP", secondary_category="LAS")


def test_every_step_box_has_a_visible_label_of_its_own(client, rso, case):
    sign_in(client, rso)
    html = client.get(f"/resettlement/cases/{case.reference}/").content.decode()
    step_forms = re.findall(r'<form[^>]*class="[^"]*step"[^>]*>.*?</form>', html, re.S)
    close = next(f for f in step_forms if 'value="close"' in f)
    box = re.search(r'<input type="text" name="reason"[^>]*id="([^"]+)"', close)
    assert box is not None
    assert re.search(rf'<label for="{box.group(1)}">Reason for closing</label>', close)


def test_the_done_message_is_a_box_not_a_bullet(client, rso, case):
    sign_in(client, rso)
    url = f"/resettlement/cases/{case.reference}/transition/"
    response = client.post(url, {"action": "assess", "need_assessment": "No other durable solution."}, follow=True)
    html = response.content.decode()
    assert re.search(r'<div role="status"><ul class="messages">\s*<li class="[^"]*success[^"]*">Done\.</li>', html)
