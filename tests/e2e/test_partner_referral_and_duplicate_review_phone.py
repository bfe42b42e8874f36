"""Two pages read on a 360-pixel phone in Persian and Arabic, for what they say:

- a partner organisation's user reads a referral sent to it: every shared field under its
  name, each value in words and in the reader's digits (no "M", "HIGH" or "fa,prs"), in the
  order a caseworker would tell it, then accepts it;
- a registration clerk reviews a suspected duplicate pair from the queue: the two records'
  values side by side, the "why" lines in the reader's words, what each decision does, and
  before a merge, the list of records that will move, in words, references kept whole.

The screenshots are artifacts/screenshots/walk-<lang>-<step>-<what>.png."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import translation
from tests.conftest import member
from tests.e2e.steps import ARABIC_PHONE, PASSWORD, PERSIAN_PHONE, Journey

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.cases import services as cases
from asylon.cases.models import ReferralState, RiskLevel, Service
from asylon.cases.services_referrals import refer_case
from asylon.core.dates import age_on, today
from asylon.core.i18n import format_date, language_names
from asylon.matching.candidates import find_matches_for, raise_candidate
from asylon.matching.models import Merge
from asylon.registry import services as registry
from asylon.registry.models import Location, Sex, Site
from asylon.sharing import services as sharing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHARED = ["reference", "full_name", "sex", "age", "languages", "location", "risk_level", "referral_reason"]
REASON = "Wound care after the attack (left leg)."
LATIN = re.compile(r"[A-Za-z0-9]")
# Each (term, definition) of a page's definition list, as the reader sees them.
DEFINITIONS = """sel => [...document.querySelectorAll(sel + ' dt')].map(dt =>
  [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()])"""
ROWS = """sel => [...document.querySelectorAll(sel + ' tbody tr')].map(tr =>
  [...tr.children].map(c => c.innerText.trim()))"""


@pytest.fixture(params=[PERSIAN_PHONE, ARABIC_PHONE], ids=lambda s: s.id)
def journey(request, browser, live_server):
    site = Site.objects.create(code="WLK", name="Walk camp", host_country="IQ", designation="TTL")
    j = Journey(browser=browser, base_url=live_server.url, setting=request.param, name="walk", site=site)
    j.flat_shots = True
    yield j
    j.close()


def _shelter(site):
    block = Location.objects.create(site=site, kind="BLOCK", name="Block 1")
    return Location.objects.create(site=site, kind="UNIT", name="T01", parent=block)


def _referral_to_the_clinic(j: Journey):
    """A high-risk medical case referred to a clinic, sharing every field there is to share."""
    clerk = User.objects.get(username=j.user(Role.REGISTRATION_CLERK))
    officer = User.objects.get(username=j.user(Role.PROTECTION_OFFICER))
    supervisor = create_user(
        actor=None, username=f"supervisor-{j.lang}", role=Role.PROTECTION_OFFICER, sites=[j.site], password=PASSWORD
    ).user
    partner = User.objects.get(username=j.user(Role.PARTNER))
    household = registry.register_household(
        actor=clerk,
        site=j.site,
        unit=_shelter(j.site),
        arrival_date=date(2012, 2, 18),
        members=[member(given_name="Omid", languages="fa,prs,ar")],
    )
    person = household.memberships.get().person
    clinic = sharing.create_recipient(actor=officer, name="Camp clinic (synthetic)", kind="NGO")
    sharing.record_sharing_agreement(
        actor=officer,
        recipient=clinic,
        reference="AGR-WLK",
        purpose="medical referral",
        fields=SHARED,
        valid_from=today() - timedelta(days=10),
    )
    sharing.link_recipient_user(actor=officer, recipient=clinic, user=partner)
    case = cases.open_case(
        actor=officer, person=person, case_type="MEDICAL", risk_level="HIGH", caseworker=officer, supervisor=supervisor
    )
    cases.record_consent(actor=officer, case=case, giver="PERSON", scope="CASE_MANAGEMENT")
    cases.record_consent(
        actor=officer, case=case, giver="PERSON", scope="REFERRAL", service="MEDICAL", recipient=clinic, fields=SHARED
    )
    referral = refer_case(actor=officer, case=case, service="MEDICAL", recipient=clinic, fields=SHARED, note=REASON)
    return person, referral


def test_the_partner_reads_every_shared_field_in_its_own_words_and_digits(journey):
    j = journey
    person, referral = _referral_to_the_clinic(j)
    with translation.override(j.lang):
        expected = [
            (j.t("Service"), str(Service.MEDICAL.label)),
            (j.t("Sent"), format_date(referral.sent_at)),
            (j.t("State"), str(ReferralState.SENT.label)),
            (j.t("Person's reference"), person.reference),
            (j.t("Name"), person.full_name),
            (j.t("Sex"), str(Sex.MALE.label)),
            (j.t("Age"), j.n(age_on(person.date_of_birth, today()))),
            (j.t("Languages"), language_names("fa,prs,ar")),
            (j.t("Shelter"), "Block 1 / T01"),
            (j.t("Risk level"), str(RiskLevel.HIGH.label)),
            (j.t("Reason for the referral"), REASON),
        ]
    page = j.open_as(Role.PARTNER)
    page.goto("/cases/referrals/")
    j.see(page, "partner-inbox")
    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(f"**/cases/referrals/{referral.reference}/")
    j.see(page, "partner-referral")
    shown = [tuple(d) for d in page.evaluate(DEFINITIONS, "#referral-shared")]
    assert shown == expected
    # Only what was recorded in Latin letters stays so: the codes are words, the figures the reader's.
    recorded = {person.reference, person.full_name, "Block 1 / T01", REASON}
    assert not [value for _, value in shown if value not in recorded and LATIN.search(value)]

    page.get_by_role("button", name=j.t("Accept the referral"), exact=True).click()
    page.wait_for_url(f"**/cases/referrals/{referral.reference}/")
    j.see(page, "partner-accepted")
    with translation.override(j.lang):
        assert page.locator("#referral-state").inner_text() == str(ReferralState.ACCEPTED.label)


def _twice_registered(j: Journey):
    """One man registered twice on two arrivals, spelled two ways, the day and month of his
    birth swapped; the first record has a specific need. The pair is queued as registration
    queues it, with the scorer's explanation."""
    clerk = User.objects.get(username=j.user(Role.REGISTRATION_CLERK))
    unit = _shelter(j.site)
    first = registry.register_household(
        actor=clerk,
        site=j.site,
        unit=unit,
        arrival_date=date(2012, 2, 18),
        members=[
            member(
                given_name="Mohammad",
                family_name="Hosseini",
                given_name_original="محمد",
                family_name_original="حسینی",
                specific_needs=["SM-CI"],
            )
        ],
    )
    second = dict(given_name="Muhammad", family_name="Husseini", sex="M", date_of_birth=date(1980, 1, 3))
    match = find_matches_for(second, j.site)[0]
    household = registry.register_household(
        actor=clerk, site=j.site, unit=unit, arrival_date=date(2013, 2, 18), members=[member(**second)]
    )
    pair, _ = raise_candidate(
        household.memberships.get().person,
        match.person,
        probability=match.probability,
        match_weight=match.match_weight,
        explanation={f.label: f.agreement for f in match.fields},
    )
    return first.memberships.get().person, household.memberships.get().person, pair


def test_the_clerk_reads_the_pair_and_what_a_merge_moves_before_merging(journey):
    j = journey
    first, second, pair = _twice_registered(j)
    page = j.open_as(Role.REGISTRATION_CLERK)
    page.goto("/persons/duplicates/")
    j.see(page, "duplicate-queue")
    row = page.locator("table.stack-sm tbody tr").first
    # Stacked on the phone: each record under its column's name, the link to review it on screen.
    labels = row.evaluate("""tr => [...tr.querySelectorAll('td[data-label]')].map(td => td.dataset.label)""")
    assert labels == [j.t("Probability"), j.t("First record"), j.t("Second record")]
    assert first.reference in row.inner_text() and second.reference in row.inner_text()
    review = row.get_by_role("link", name=j.t("Review"))
    box = review.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    review.click()
    page.wait_for_url(f"**/persons/duplicates/{pair.pk}/")
    j.see(page, "duplicate-pair")

    with translation.override(j.lang):
        dates = [format_date(p.date_of_birth, precision=p.dob_precision) for p in (first, second)]
        male = str(Sex.MALE.label)
    rows = {r[0]: r[1:] for r in page.evaluate(ROWS, "#pair")}
    assert rows[j.t("Given name")] == ["Mohammad", "Muhammad"]
    assert rows[j.t("Name (original script)")] == ["محمد حسینی", "—"]
    assert rows[j.t("Date of birth")] == dates and not LATIN.search("".join(dates))
    assert rows[j.t("Sex")] == [male, male]
    why = page.locator("#pair-why li").all_inner_texts()
    with translation.override(j.lang):
        expected_why = [
            f"{j.t(field)}: {translation.pgettext('agreement of two records', how)}"
            for field, how in [("Given name", "same name, spelled differently"), ("Date of birth", "day/month swapped")]
        ]
    assert set(expected_why) <= set(why)
    assert not [line for line in why if LATIN.search(line)], why
    help_text = page.locator("#decide-help").inner_text()
    assert j.t("Different persons") in help_text and j.t("Merge") in help_text

    # The first record goes into the second: the page lists what moves, in words, and asks.
    page.get_by_label(j.t("Reason or note")).fill("Same man, two arrivals")
    page.get_by_label(j.t("Keep the reference")).select_option(second.reference)
    page.get_by_role("button", name=j.t("Merge"), exact=True).click()
    page.wait_for_selector("#confirm-summary")
    j.see(page, "merge-confirm")
    assert page.locator("#merge-moves li").all_inner_texts() == [
        f"{j.t(kind)}: {j.n(1)}" for kind in sorted(["household memberships", "specific needs"], key=j.t)
    ]
    # Each reference reads as one word, never broken at its "-" across two lines.
    assert page.locator("#confirm-summary .ref").evaluate_all("els => els.map(e => e.getClientRects().length)") == [
        1,
        1,
        1,
        1,
    ]
    assert not Merge.objects.exists()
    page.locator("form:has(input[name=confirm]) button.primary").click()
    page.wait_for_url(f"**/persons/{second.reference}/")
    j.see(page, "merged")
    assert Merge.objects.get().merged == first
