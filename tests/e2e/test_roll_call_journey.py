"""A roll call after an attack: two monitors mark at once, the live count follows; a third
monitor loses the network, marks ten residents, and all ten arrive when it returns.

Closing shows what it will change and changes no presence: the death one monitor marked
reaches the register only when two protection officers have confirmed it (the second one
works in Persian on a 360-pixel phone), and a presence corrected on the person's page, with
its reason, takes the attack's casualty figure back down."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.e2e.steps import SCREENSHOTS, login, tr

from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.audit.models import AuditEvent
from asylon.core.i18n import Digits, to_digits
from asylon.incidents.models import Incident, RollCall, RollCallEntry
from asylon.incidents.services import report_incident
from asylon.registry import services as registry
from asylon.registry.models import Location, Person, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
NAMES = ["Arash", "Bahar", "Cyrus", "Darya", "Esfand", "Fereshteh", "Golshan", "Hamid", "Iraj", "Jaleh"]


@pytest.fixture
def camp(db):
    site = Site.objects.create(code="RCX", name="Roll-call camp", host_country="IQ", designation="TTL")
    users = {
        name: create_user(actor=None, username=name, role=role, sites=[site], password=PASSWORD).user
        for name, role in [
            ("officer", Role.PROTECTION_OFFICER),
            ("officer2", Role.PROTECTION_OFFICER),
            ("clerk", Role.REGISTRATION_CLERK),
            ("mon1", Role.FIELD_MONITOR),
            ("mon2", Role.FIELD_MONITOR),
            ("mon3", Role.FIELD_MONITOR),
        ]
    }
    block = Location.objects.create(site=site, kind="BLOCK", name="Block A")
    units = [Location.objects.create(site=site, kind="UNIT", name=f"U{i}", parent=block) for i in range(4)]
    for i in range(40):
        registry.register_household(
            actor=users["clerk"],
            site=site,
            unit=units[i % 4],
            members=[
                {
                    "relationship": "PA",
                    "given_name": f"{NAMES[i % 10]}{i:02d}",
                    "family_name": "Testfamily",
                    "sex": "F" if i % 2 else "M",
                    "date_of_birth": date(1990, 1, 1),
                }
            ],
        )
    # The second officer reads Persian: the review and the correction are walked in it too.
    users["officer2"].language = "fa"
    users["officer2"].save(update_fields=["language"])
    return site, users


def shot(page, name: str) -> None:
    folder = SCREENSHOTS / "roll-call"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{page.url} is wider than the phone"


def monitor_page(browser, live_server, user, rc_pk):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, user)
    page.goto(f"/incidents/roll-calls/{rc_pk}/")
    page.locator("#rc-list li.rc-person").first.wait_for()
    return context, page


def mark(page, query: str, result_label: str) -> None:
    page.locator("#rc-search").fill(query)
    row = page.locator("#rc-list li.rc-person").filter(has_text=query)
    row.get_by_role("button", name=result_label, exact=True).click()


def test_roll_call_with_two_monitors_and_one_offline(browser, live_server, camp):
    site, users = camp
    attack = report_incident(
        actor=users["officer"],
        site=site,
        kind="ARMED_ATTACK",
        occurred_at=timezone.now() - timedelta(hours=1),
        severity=4,
        injured=3,
    )
    officer_ctx = browser.new_context(base_url=live_server.url)
    officer = officer_ctx.new_page()
    login(officer, "officer")
    officer.goto("/incidents/roll-calls/new/")
    officer.get_by_label("Site", exact=True).select_option(str(site.pk))
    officer.get_by_label("Incident reference (optional)").fill(attack.reference)
    officer.get_by_role("button", name="Start the roll call").click()
    officer.wait_for_url("**/incidents/roll-calls/*/")
    rc = RollCall.objects.get()
    assert rc.entries.count() == 40

    ctx1, mon1 = monitor_page(browser, live_server, "mon1", rc.pk)
    ctx2, mon2 = monitor_page(browser, live_server, "mon2", rc.pk)
    # Two monitors at once: mon1 by search, mon2 down a unit's list.
    for i in range(0, 10):
        mark(mon1, f"{NAMES[i % 10]}{i:02d}", "safe")
    mon2.locator("#rc-unit").select_option("Block A / U1")
    for i in (1, 5, 9, 13):
        mark(mon2, f"{NAMES[i % 10]}{i:02d}", "injured" if i == 13 else "safe")
    mark(mon2, "Bahar21", "dead")
    mark(mon2, "Fereshteh25", "missing")
    for p in (mon1, mon2):
        expect(p.locator("#pending")).to_have_attribute("data-count", "0")
    # 10 + 4 (one of them, 13, not among mon1's) - overlap(1, 5, 9) + 2 = 13 marked; missing is unaccounted.
    marked = RollCallEntry.objects.filter(roll_call=rc).exclude(result="NOT_YET_CHECKED").count()
    assert marked == 13
    # The live count on the officer's page follows without a reload.
    expect(officer.locator("#count-accounted")).to_have_text("12", timeout=15000)
    assert officer.locator("#count-unaccounted").text_content() == "28"

    # A third monitor loses the network, marks ten residents, and comes back.
    ctx3, mon3 = monitor_page(browser, live_server, "mon3", rc.pk)
    expect(mon3.locator("#rollcall")).to_have_attribute("data-offline-ready", "1", timeout=10000)
    ctx3.set_offline(True)
    offline_ids = list(range(26, 36))
    for i in offline_ids:
        mark(mon3, f"{NAMES[i % 10]}{i:02d}", "safe")
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "10")
    assert (
        RollCallEntry.objects.filter(roll_call=rc, person__given_name="Golshan26", result="ACCOUNTED_SAFE").count() == 0
    )
    # With the network gone, the page still loads from the service worker's cache.
    mon3.reload()
    mon3.locator("#rc-list li.rc-person").first.wait_for()
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "10")
    ctx3.set_offline(False)
    expect(mon3.locator("#pending")).to_have_attribute("data-count", "0", timeout=15000)
    arrived = RollCallEntry.objects.filter(
        roll_call=rc, person__given_name__in=[f"{NAMES[i % 10]}{i:02d}" for i in offline_ids], result="ACCOUNTED_SAFE"
    )
    assert arrived.count() == 10

    officer.reload()
    officer.get_by_role("link", name="Close the roll call…").click()
    officer.wait_for_url("**/close/")
    # What closing will change, before anything changes: the names and the counts.
    expect(officer.locator("#close-summary")).to_contain_text("18 of 40 persons are still unaccounted for.")
    expect(officer.locator("#to-review-deceased")).to_contain_text("Bahar21")
    expect(officer.locator("#to-review-missing")).to_contain_text("Fereshteh25")
    shot(officer, "01-close-preview")
    assert RollCall.objects.get().state == "OPEN"
    officer.get_by_role("button", name="Close with 18 unaccounted").click()
    officer.wait_for_url("**/report/")
    assert officer.locator("#report-unaccounted").text_content() == "18"
    # One monitor's tap is an observation: the register and the attack's figures are unchanged.
    bahar, fereshteh = Person.objects.get(given_name="Bahar21"), Person.objects.get(given_name="Fereshteh25")
    assert (bahar.presence, fereshteh.presence) == ("PRESENT", "PRESENT")
    assert Incident.objects.get(pk=attack.pk).killed == 0

    # The first officer confirms the death with its source; it waits for a second person.
    death = officer.locator("li.review").filter(has_text="Bahar21")
    death.get_by_label("How is the death known? (body identified, hospital record, witness)").fill(
        "Body identified by the family"
    )
    death.get_by_role("button", name="Confirm the death (first of two)").click()
    expect(death.locator(".review-state")).to_have_text("Awaiting a second confirmation")
    expect(death).to_contain_text("a second protection officer must confirm it")
    expect(death.get_by_role("button", name="Confirm the death (second)")).to_have_count(0)
    officer.locator("li.review").filter(has_text="Fereshteh25").get_by_role("button", name="Confirm missing").click()
    expect(officer.locator("li.review").filter(has_text="Fereshteh25").locator(".review-state")).to_have_text(
        "Confirmed"
    )
    shot(officer, "02-report-reviews")
    assert Person.objects.get(pk=bahar.pk).presence == "PRESENT"
    assert Person.objects.get(pk=fereshteh.pk).presence == "MISSING"
    assert Incident.objects.get(pk=attack.pk).missing == 1

    # The second officer, in Persian on a phone, confirms the death from the review queue.
    fa_ctx = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="fa-IR")
    second = fa_ctx.new_page()
    login(second, "officer2", lang="fa")
    second.goto("/incidents/roll-calls/reviews/")
    row = second.locator("li.review").filter(has_text="Bahar21")
    expect(row).to_contain_text("Body identified by the family")
    fits_the_phone(second)
    shot(second, "03-fa-360-review-queue")
    row.get_by_role("button", name=tr("fa", "Confirm the death (second)")).click()
    second.wait_for_url("**/roll-calls/reviews/")
    assert Person.objects.get(pk=bahar.pk).presence == "DECEASED"
    second.goto(f"/incidents/{attack.reference}/")
    casualties = tr("fa", "killed %(k)s, injured %(i)s, missing %(m)s, detained %(d)s")
    persian = {k: to_digits(v, Digits.PERSIAN) for k, v in {"k": 1, "i": 3, "m": 1, "d": 0}.items()}
    expect(second.locator("dl.facts").first).to_contain_text(casualties % persian)
    shot(second, "04-fa-360-incident-killed-1")
    # Confirmed dead, Bahar21 is no longer expected in the next roll call.
    assert Incident.objects.get(pk=attack.pk).killed == 1

    # The death was a mistake: the officer corrects the presence on the person's page, with a reason.
    second.goto(f"/persons/{bahar.reference}/")
    expect(second.locator("#presence")).to_contain_text(tr("fa", "deceased"))
    second.get_by_role("link", name=tr("fa", "correct the presence")).click()
    second.get_by_label(tr("fa", "Presence")).select_option("PRESENT")
    second.get_by_role("button", name=tr("fa", "Save the corrected presence")).click()
    reason = second.get_by_label(tr("fa", "Reason for the correction"))
    assert reason.evaluate("e => e.validity.valueMissing")  # no reason: the form is not sent
    assert Person.objects.get(pk=bahar.pk).presence == "DECEASED"
    reason.fill("Seen alive at the clinic")
    shot(second, "05-fa-360-presence-correction")
    fits_the_phone(second)
    second.get_by_role("button", name=tr("fa", "Save the corrected presence")).click()
    second.wait_for_url(f"**/persons/{bahar.reference}/")
    expect(second.locator("#presence")).to_contain_text(tr("fa", "present"))
    shot(second, "06-fa-360-person-present-again")
    assert Person.objects.get(pk=bahar.pk).presence == "PRESENT"
    assert AuditEvent.objects.filter(action="person.presence_corrected", reason="Seen alive at the clinic").exists()
    assert Incident.objects.get(pk=attack.pk).killed == 0
    fa_ctx.close()
    for ctx in (ctx1, ctx2, ctx3, officer_ctx):
        ctx.close()
