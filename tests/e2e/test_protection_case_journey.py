"""A protection case from a roll call to its closing, each step on the right person's "my work".

A field monitor marks a resident injured in the roll call after an attack; a protection
officer closes the roll call, opens a case from the report's mark (a survivor of violence:
a sensitive type), records the consent, assesses, plans, and refers the resident to a medical
partner. The partner, with its own login, finds the referral in its inbox and on its "my work",
accepts it and records the outcome; the caseworker reads the outcome on the case and closes it.
At each step the task is on the "my work" of the one person who must act and on no one
else's: the monitor's, the caseworker's, the supervisor's, a second protection officer's
(neither caseworker nor supervisor, who also gets the same 404 on the case as for a number
never issued) and the partner's are read every time. Walked in English on a desktop and in
Persian on a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.e2e.steps import BROWSER_LOCALES, PASSWORD, SETTINGS, Journey, confirm_if_asked, login

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.cases.models import ProtectionCase, Referral
from asylon.core.dates import today
from asylon.incidents.models import RollCall
from asylon.incidents.rollcall import start_roll_call
from asylon.incidents.services import report_incident
from asylon.registry import services as registry
from asylon.registry.models import Location, Person, Site
from asylon.sharing import services as sharing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RESIDENTS = ["Nasrin", "Omid", "Parisa"]
SHARED = ["reference", "age", "referral_reason"]


@pytest.fixture(params=SETTINGS, ids=lambda s: s.id)
def journey(request, browser, live_server):
    site = Site.objects.create(code="PCJ", name="Case camp", host_country="IQ", designation="TTL")
    j = Journey(browser=browser, base_url=live_server.url, setting=request.param, name="protection-case", site=site)
    yield j
    j.close()


@pytest.fixture
def camp(journey):
    """The site's people: a clerk's three residents, three officers, a monitor, a clinic partner."""
    site, lang = journey.site, journey.lang
    users = {
        key: create_user(actor=None, username=f"{key}-{lang}", role=role, sites=[site], password=PASSWORD).user
        for key, role in [
            ("clerk", Role.REGISTRATION_CLERK),
            ("officer", Role.PROTECTION_OFFICER),
            ("supervisor", Role.PROTECTION_OFFICER),
            ("colleague", Role.PROTECTION_OFFICER),
            ("monitor", Role.FIELD_MONITOR),
            ("clinic", Role.PARTNER),
        ]
    }
    block = Location.objects.create(site=site, kind="BLOCK", name="Block A")
    unit = Location.objects.create(site=site, kind="UNIT", name="U1", parent=block)
    for name in RESIDENTS:
        registry.register_household(
            actor=users["clerk"],
            site=site,
            unit=unit,
            members=[
                {
                    "relationship": "PA",
                    "given_name": name,
                    "family_name": "Samplefamily",
                    "sex": "F",
                    "date_of_birth": date(1994, 3, 1),
                }
            ],
        )
    clinic = sharing.create_recipient(actor=users["officer"], name="Camp clinic (synthetic)", kind="NGO")
    sharing.record_sharing_agreement(
        actor=users["officer"],
        recipient=clinic,
        reference="AGR-CLINIC",
        purpose="medical referral",
        fields=SHARED + ["full_name", "sex"],
        valid_from=today() - timedelta(days=10),
    )
    sharing.link_recipient_user(actor=users["officer"], recipient=clinic, user=users["clinic"])
    return users, clinic


def open_for(j: Journey, username: str):
    """A fresh browser of the journey's screen and language, logged in as `username`."""
    context = j.browser.new_context(  # type: ignore[attr-defined]
        base_url=j.base_url,
        viewport=j.setting.viewport,
        is_mobile=j.setting.phone,
        has_touch=j.setting.phone,
        locale=BROWSER_LOCALES[j.lang],
        bypass_csp=True,
    )
    j.contexts.append(context)
    page = context.new_page()
    login(page, username, lang=j.lang)
    return page


def my_work(j: Journey, page, what: str) -> str:
    """The titles of the reader's "my work" items, as one text."""
    page.goto("/work/")
    j.see(page, what)
    items = page.locator("ul.work-items li a")
    return " | ".join(items.all_inner_texts())


WORKERS = ("monitor", "officer", "supervisor", "colleague", "clinic")


def only_on(j: Journey, pages: dict, holders: set[str], task: str, trace: str, what: str) -> None:
    """`task` is on the "my work" of each of `holders`; on everyone else's among `pages`
    there is nothing that names `trace` (the case's or the referral's reference)."""
    for who, page in pages.items():
        work = my_work(j, page, f"{who}-work-{what}")
        if who in holders:
            assert task in work, f"{who}'s my work lacks {task!r}: {work}"
        else:
            assert trace not in work, f"{who}'s my work names {trace!r}: {work}"


def test_a_case_from_an_injured_mark_to_its_closing(journey, camp):
    j = journey
    users, clinic = camp
    officer = users["officer"]
    attack = report_incident(
        actor=officer,
        site=j.site,
        kind="ARMED_ATTACK",
        occurred_at=timezone.now() - timedelta(hours=1),
        severity=4,
        injured=1,
    )
    rc = start_roll_call(actor=officer, site=j.site, incident=attack)
    omid = Person.objects.get(given_name="Omid")

    # Everyone of the journey at their own browser, each "my work" read at every step.
    pages = {who: open_for(j, users[who].username) for who in WORKERS}
    mon, po, other, clin = pages["monitor"], pages["officer"], pages["colleague"], pages["clinic"]

    # The roll call is on the work of all who mark it (the monitor, the officers), not the partner's.
    roll_call_task = j.t("Roll call open in %(site)s; residents not yet checked: %(n)s") % {
        "site": j.site.name,
        "n": j.n(len(RESIDENTS)),
    }
    only_on(j, pages, set(WORKERS) - {"clinic"}, roll_call_task, roll_call_task, "rc")

    # The field monitor, on the roll call's page, finds Omid and marks him injured.
    mon.goto(f"/incidents/roll-calls/{rc.pk}/")
    mon.locator("#rc-list li.rc-person").first.wait_for()
    mon.locator("#rc-search").fill("Omid")
    row = mon.locator("#rc-list li.rc-person").filter(has_text="Omid")
    row.get_by_role("button", name=j.t("injured"), exact=True).click()
    expect(mon.locator("#pending")).to_have_attribute("data-count", "0", timeout=15000)
    j.see(mon, "monitor-marked")
    # A monitor opens no case: the case form is not theirs.
    assert mon.goto("/cases/new/").status in (403, 404)

    # The officer closes the roll call and opens a case from the injured mark on the report.
    po.goto(f"/incidents/roll-calls/{rc.pk}/close/")
    j.see(po, "close-roll-call")
    po.locator("form.close-rc button.primary").click()
    po.wait_for_url("**/report/")
    injured = po.locator("li").filter(has_text="Omid")
    expect(injured).to_contain_text(omid.reference)
    j.see(po, "report-with-injured")
    injured.get_by_role("link", name=j.t("Open a protection case")).click()
    po.wait_for_url("**/cases/new/?mark=*")
    expect(po.locator("#case-origin")).to_contain_text(omid.reference)
    po.get_by_label(j.t("Case type")).select_option("SURVIVOR_OF_VIOLENCE")
    po.get_by_label(j.t("Risk level")).select_option("HIGH")
    po.get_by_label(j.t("Supervisor")).select_option(label=users["supervisor"].username)
    po.get_by_label(j.t("Summary"), exact=True).fill("Injured in the attack on block A; shrapnel wound.")
    j.see(po, "open-case-form")
    po.get_by_role("button", name=j.t("Open the case")).click()
    po.wait_for_url("**/cases/PC-*/")
    case = ProtectionCase.objects.get()
    assert (case.origin, case.origin_mark_id) == ("ROLL_CALL", rc.entries.get(person=omid).pk)
    expect(po.locator("#case-summary")).to_contain_text(omid.full_name)
    expect(po.locator("#case-summary")).to_contain_text(j.t("survivor of violence"))
    ref = case.reference
    case_url = f"/cases/{ref}/"

    # The closed roll call has left everyone's work; the case's first task reaches the
    # caseworker's, and only theirs: no one else's names the case.
    consent_task = j.t("Record consent for case %(ref)s") % {"ref": ref}
    only_on(j, pages, {"officer"}, consent_task, ref, "consent")
    only_on(j, pages, set(), "", j.site.name, "rc-closed")  # the roll call's line named the site
    assert other.goto(case_url).status == 404
    assert other.goto("/cases/PC-999999/").status == 404

    # Consent: to case management, then to the referral to the clinic with the fields it may share.
    po.goto(case_url)
    po.locator("summary", has_text=j.t("Record a consent")).click()
    form = po.locator("#consent-form")
    form.get_by_label(j.t("Who consents")).select_option("PERSON")
    form.get_by_label(j.t("Consent to")).select_option("CASE_MANAGEMENT")
    form.get_by_role("button", name=j.t("Record the consent")).click()
    po.wait_for_url(f"**{case_url}")
    expect(po.locator("#consents")).to_contain_text(j.t("case management"))
    po.locator("summary", has_text=j.t("Record a consent")).click()
    form = po.locator("#consent-form")
    form.get_by_label(j.t("Who consents")).select_option("PERSON")
    form.get_by_label(j.t("Consent to")).select_option("REFERRAL")
    form.get_by_label(j.t("Service")).select_option("MEDICAL")
    form.get_by_label(j.t("Partner")).select_option(label=clinic.name)
    for name in SHARED:
        form.locator(f"input[name=share][value={name}]").check()
    form.get_by_role("button", name=j.t("Record the consent")).click()
    po.wait_for_url(f"**{case_url}")
    expect(po.locator("#consents")).to_contain_text(clinic.name)
    only_on(j, pages, set(), consent_task, ref, "after-consent")  # on no one's, the caseworker's included

    # The assessment: the form of a survivor of violence.
    po.goto(case_url)
    form = po.locator("#assessment-form")
    form.get_by_label(j.t("Perpetrator lives in the camp")).select_option("no")
    form.get_by_label(j.t("Medical needs")).select_option(index=1)
    form.get_by_label(j.t("Immediate safety risk")).select_option(index=1)
    form.get_by_label(j.t("Summary of needs and risks")).fill("Wound needs dressing; sleeps badly since the attack.")
    j.see(po, "assessment-form")
    form.get_by_role("button", name=j.t("Record the assessment")).click()
    po.wait_for_url(f"**{case_url}")
    expect(po.locator("#assessment")).to_contain_text("Wound needs dressing")

    # The plan: an action the caseworker owns, due in three days.
    po.locator("summary", has_text=j.t("Add an action")).click()
    form = po.locator("#action-form")
    form.get_by_label(j.t("Action")).fill("Accompany Omid to the clinic")
    form.get_by_label(j.t("Owner")).select_option(label=officer.username)
    form.get_by_label(j.t("Due on")).fill((today() + timedelta(days=3)).isoformat())
    form.get_by_role("button", name=j.t("Add the action")).click()
    po.wait_for_url(f"**{case_url}")
    expect(po.locator("#plan")).to_contain_text("Accompany Omid to the clinic")
    action_task = j.t("%(action)s (case %(ref)s)") % {"action": "Accompany Omid to the clinic", "ref": ref}
    only_on(j, pages, {"officer"}, action_task, ref, "action")

    # The referral to the medical partner, sharing only what the consent and agreement allow.
    po.goto(case_url)
    po.locator("summary", has_text=j.t("Refer to a service")).click()
    form = po.locator("#referral-form")
    form.get_by_label(j.t("Service")).select_option("MEDICAL")
    form.get_by_label(j.t("Partner outside the organisation")).select_option(label=clinic.name)
    for name in SHARED:
        form.locator(f"input[name=share][value={name}]").check()
    form.get_by_role("textbox", name=j.t("Reason for the referral")).fill("Wound care after the attack")
    j.see(po, "referral-form")
    form.get_by_role("button", name=j.t("Send the referral")).click()
    po.wait_for_url(f"**{case_url}")
    referral = Referral.objects.get()
    expect(po.locator("#referrals")).to_contain_text(referral.reference)
    j.see(po, "case-referred")

    # The partner, with its own login: the referral in its inbox and on its "my work", on no
    # one else's; the partner's names the referral, never the case.
    answer = j.t("Answer referral %(ref)s") % {"ref": referral.reference}
    only_on(j, pages, {"clinic"}, answer, referral.reference, "answer")
    assert ref not in my_work(j, clin, "partner-work-answer")
    clin.goto("/cases/referrals/")
    j.see(clin, "partner-inbox")
    clin.get_by_role("link", name=referral.reference).click()
    clin.wait_for_url(f"**/cases/referrals/{referral.reference}/")
    page_text = clin.locator("main").inner_text()
    assert "Wound care after the attack" in page_text and omid.reference in page_text
    assert omid.given_name not in page_text  # the name was not shared
    assert j.n(referral.shared["age"]) in page_text  # the age, in the reader's digits
    j.see(clin, "partner-referral")
    assert clin.goto(case_url).status == 404
    clin.goto(f"/cases/referrals/{referral.reference}/")
    clin.locator("#answer-form button[value=accept]").click()
    clin.wait_for_url(f"**/cases/referrals/{referral.reference}/")
    outcome_task = j.t("Record the outcome of referral %(ref)s") % {"ref": referral.reference}
    only_on(j, pages, {"clinic"}, outcome_task, referral.reference, "outcome")
    assert answer not in my_work(j, clin, "partner-work-outcome")
    clin.goto(f"/cases/referrals/{referral.reference}/")
    clin.get_by_label(j.t("Reason or outcome")).fill("Wound dressed; follow-up visit in a week")
    clin.locator("#answer-form button[value=complete]").click()
    clin.wait_for_url(f"**/cases/referrals/{referral.reference}/")
    expect(clin.locator("main")).to_contain_text("Wound dressed; follow-up visit in a week")
    # The referral answered: on no one's work. The case's action is still the caseworker's alone.
    only_on(j, pages, set(), "", referral.reference, "referral-done")
    only_on(j, pages, {"officer"}, action_task, ref, "action-still")
    assert other.goto(case_url).status == 404  # the case is still hidden from the colleague

    # The caseworker reads the outcome on the case, records the action done and closes the case.
    po.goto(case_url)
    expect(po.locator("#referrals .referral-outcome")).to_have_text("Wound dressed; follow-up visit in a week")
    po.locator("#plan input[name=outcome]").fill("Went with him on the first visit")
    po.locator("#plan").get_by_role("button", name=j.t("Record it done")).click()
    po.wait_for_url(f"**{case_url}")
    form = po.locator("#close-form")
    form.get_by_label(j.t("Reason for closing")).select_option("NEEDS_MET")
    j.see(po, "close-form")
    form.get_by_role("button", name=j.t("Close the case")).click()
    confirm_if_asked(po, journey=j)
    po.wait_for_url(f"**{case_url}")
    expect(po.locator("#case-state")).to_contain_text(j.t("needs met"))
    j.see(po, "case-closed")
    only_on(j, pages, set(), "", ref, "closed")  # the closed case is on no one's work
    assert RollCall.objects.get().state == "CLOSED"
