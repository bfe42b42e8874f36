"""The case pages: a sensitive case is 404 to a colleague (as a number never issued), lists
leave it out, the holders read it and its notes; a case opens from an injured mark."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.html_text import visible_text as text_of
from tests.signin import sign_in

from asylon.cases import services
from asylon.cases.models import ProtectionCase

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_sensitive_case_page_is_404_to_a_colleague_and_not_listed(open_case, colleague, worker):
    hidden = open_case(case_type="SURVIVOR_OF_VIOLENCE")
    services.add_note(actor=worker, case=hidden, text="Safety plan: stays with her sister")
    c = client_for(colleague)
    assert c.get(reverse("cases:case_detail", args=[hidden.reference])).status_code == 404
    assert c.get(reverse("cases:case_detail", args=["PC-999999"])).status_code == 404
    assert c.post(reverse("cases:case_note", args=[hidden.reference]), {"text": "x"}).status_code == 404
    listing = c.get(reverse("cases:case_list") + "?which=site")
    assert hidden.reference not in listing.content.decode()
    page = client_for(worker).get(reverse("cases:case_detail", args=[hidden.reference]))
    assert "Safety plan: stays with her sister" in text_of(page.content.decode())


def test_a_clerk_has_no_case_pages(open_case, clerk):
    case = open_case()
    c = client_for(clerk)
    assert c.get(reverse("cases:case_list")).status_code == 404
    assert c.get(reverse("cases:case_detail", args=[case.reference])).status_code == 404


def test_a_case_opens_from_an_injured_mark_with_the_origin_prefilled(worker, adult, site_a):
    from asylon.incidents.rollcall import Mark, mark_persons, start_roll_call

    rc = start_roll_call(actor=worker, site=site_a)
    mark_persons(actor=worker, roll_call=rc, marks=[Mark(adult.reference, "INJURED", timezone.now(), "m1")])
    entry = rc.entries.get(person=adult)
    c = client_for(worker)
    form = c.get(reverse("cases:case_open") + f"?mark={entry.pk}")
    assert adult.reference in text_of(form.content.decode())
    response = c.post(
        reverse("cases:case_open") + f"?mark={entry.pk}",
        {
            "person": adult.reference,
            "case_type": "MEDICAL",
            "risk_level": "HIGH",
            "caseworker": worker.pk,
            "mark": entry.pk,
        },
    )
    case = ProtectionCase.objects.get()
    assert response.status_code == 302 and (case.origin, case.origin_mark_id) == ("ROLL_CALL", entry.pk)


def test_a_refused_referral_says_its_rule_on_the_page_and_writes_nothing(open_case, worker, clinic):
    case = open_case()
    response = client_for(worker).post(
        reverse("cases:case_refer", args=[case.reference]),
        {"service": "MEDICAL", "recipient": clinic.pk, "share": ["age"]},
    )
    assert response.status_code == 422
    assert "DC:" in text_of(response.content.decode())
    assert not case.referrals.exists()


def test_every_label_of_the_case_page_names_one_field(open_case, worker):
    """The case page holds a form per step, several with a field of the same name (service,
    partner, fields to share, note): each label must still reach its own form's field."""
    case = open_case()
    html = client_for(worker).get(reverse("cases:case_detail", args=[case.reference])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="referral_service"' in html and 'for="consent_service"' in html


def test_the_history_says_what_was_done_not_who_read_it(open_case, worker):
    case = open_case()
    services.add_note(actor=worker, case=case, text="Visited at home")
    c = client_for(worker)
    c.get(reverse("cases:case_detail", args=[case.reference]))  # a read: audited, not history
    history = text_of(c.get(reverse("cases:case_detail", args=[case.reference])).content.decode())
    history = history[history.index("History") :]
    assert "Case opened" in history and "Note added" in history
    assert "_viewed" not in history and "case." not in history


def test_every_event_a_case_records_has_words_in_its_history():
    from pathlib import Path

    from asylon.cases import services_referrals
    from asylon.cases.queries import HISTORY_LABELS
    from asylon.cases.transitions import Action, ReferralAction

    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (services, services_referrals))
    codes = set(re.findall(r'"(case\.[a-z_]+)"', source))
    codes |= {f"case.{a}" for a in Action.values} | {f"case.referral_{a}" for a in ReferralAction.values}
    assert codes - set(HISTORY_LABELS) == set()


def test_a_case_opens_from_a_specific_need_on_the_persons_page(worker, clerk, site_a):
    from tests.conftest import member

    from asylon.registry import services as registry

    household = registry.register_household(
        actor=clerk, site=site_a, members=[member(given_name="Golnar", sex="F", specific_needs=["SM-CI", "ER-NF"])]
    )
    person = household.memberships.get().person
    chronic = person.specific_needs.get(code="SM-CI")
    page = client_for(worker).get(reverse("registry:person_detail", args=[person.reference])).content.decode()
    links = re.findall(r'<a class="button open-case" href="([^"]+)"', page)
    assert len(links) == 2  # one per need still flagged
    link = next(u for u in links if u.endswith(f"?need={chronic.pk}")).replace("&amp;", "&")
    c = client_for(worker)
    form = text_of(c.get(link).content.decode())
    assert person.reference in form and "SM-CI" in form
    response = c.post(
        link,
        {
            "person": person.reference,
            "case_type": "MEDICAL",
            "risk_level": "MEDIUM",
            "caseworker": worker.pk,
            "need": chronic.pk,
        },
    )
    case = ProtectionCase.objects.get()
    assert response.status_code == 302 and (case.origin, case.origin_need_id) == ("SPECIFIC_NEED", chronic.pk)
    # A clerk reads the needs and is offered no case.
    clerk_page = client_for(clerk).get(reverse("registry:person_detail", args=[person.reference])).content.decode()
    assert "SM-CI" in clerk_page and "open-case" not in clerk_page
