"""Each role's journey through the demo camp, end to end in a real browser: in English on a
desktop and in Persian on a 360-pixel phone. Every page a journey visits is checked by
axe-core (no serious or critical WCAG 2.x A/AA violation), must be in the journey's language
and direction, must fit the phone, and is kept as a screenshot under artifacts/screenshots.

The demo camp is seeded once for the module (a smaller one than `asylon demo`'s 3,000
residents, through the same seeding code) and served by a live server of the module's own;
each journey works on its own persons and cases, so the journeys do not depend on each
other's order. The database is emptied when the module ends.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer
from tests.e2e.steps import SETTINGS, Journey, menu

from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.core.i18n import format_date, to_digits
from asylon.core.messages import country_name
from asylon.demo import seeding
from asylon.incidents.models import RollCall
from asylon.registry.models import Location, Person, Site
from asylon.safeguards import legal_bases
from asylon.solutions.models import ReceivingCountry, ResettlementCase
from asylon.status.models import GroupDeclaration

# The marker makes pytest-django create the test database; `_django_db_marker` below keeps it
# from wrapping each journey in a flushed transaction of its own (the camp is the module's).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_PERSONS = 300
SETTINGS_INDEX = {s.lang: i for i, s in enumerate(SETTINGS)}
# A 1x1 transparent PNG: the "photo" a monitor attaches as evidence.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _django_db_marker():
    """Overrides pytest-django's: the journeys share the module's camp instead of a fresh
    database each (seeding it takes longer than most journeys)."""


@dataclass
class Camp:
    site: Site
    url: str


@pytest.fixture(scope="module")
def camp(django_db_setup, django_db_blocker):
    """The demo camp and a live server over it (each journey adds users of its own)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        # pytest-django switched the connection to the test database (it is flushed at the end).
        assert "test" in Path(str(connection.settings_dict["NAME"])).name, "not a test database"
        seeding.seed(DEMO_PERSONS)
        site = Site.objects.get(code=seeding.SITE_CODE)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Camp(site=site, url=server.url)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(params=SETTINGS, ids=lambda s: s.id)
def setting(request):
    return request.param


@pytest.fixture
def journey(request, browser, camp, setting):
    name = request.node.originalname.removeprefix("test_").replace("_", "-")
    walk = Journey(browser=browser, base_url=camp.url, setting=setting, name=name, site=camp.site)
    yield walk
    walk.close()


def nth_resident(site: Site, journey: Journey, offset: int) -> Person:
    """A resident of the demo camp that this journey alone works on."""
    index = offset + SETTINGS_INDEX[journey.lang]
    return Person.objects.filter(site=site, presence="PRESENT").order_by("reference")[index]


def test_register_a_household_and_find_a_duplicate(journey, camp):
    t = journey.t
    page = journey.open_as(Role.REGISTRATION_CLERK)
    journey.see(page, "home")
    if journey.lang == "fa":
        expect(menu(page, "ثبت‌نام خانوار")).to_be_visible()

    # Before registering, the clerk checks whether the newcomer is already on the register.
    known = nth_resident(camp.site, journey, 0)
    menu(page, t("Register a household")).click()
    journey.see(page, "register-form")
    page.get_by_role("link", name=t("Check for duplicates before registering")).click()
    page.get_by_label(t("Given name"), exact=True).fill(known.given_name)
    page.get_by_label(t("Family name"), exact=True).fill(known.family_name)
    page.get_by_label(t("Date of birth"), exact=True).fill(f"{known.date_of_birth:%Y-%m-%d}")
    page.get_by_role("button", name=t("Check")).click()
    journey.see(page, "duplicate-found")
    expect(page.locator("section.match h2").first).to_contain_text(known.reference)

    # A household that is not there yet: registered, then found by a search.
    # Each language's household is its own: the form checks for duplicates, and the same
    # given name with the same date of birth in another journey's household is a probable one.
    family = {"en": "Shahbazian", "fa": "Golestaneh", "ar": "Haddadi"}[journey.lang]
    head, spouse = {
        "en": [("PA", "Kourosh", "M", "1979-05-14"), ("SPOUSE", "Mahtab", "F", "1983-11-02")],
        "fa": [("PA", "Bijan", "M", "1966-02-21"), ("SPOUSE", "Mahtab", "F", "1969-07-30")],
        "ar": [("PA", "Karim", "M", "1958-09-09"), ("SPOUSE", "Mahtab", "F", "1961-04-17")],
    }[journey.lang]
    page.go_back()
    page.go_back()
    page.locator("#id_unit").select_option(index=1)
    for index, (relationship, given, sex, born) in enumerate([head, spouse]):
        page.locator(f"#id_members-{index}-relationship").select_option(relationship)
        page.locator(f"#id_members-{index}-given_name").fill(given)
        page.locator(f"#id_members-{index}-family_name").fill(family)
        page.locator(f"#id_members-{index}-sex").select_option(sex)
        page.locator(f"#id_members-{index}-date_of_birth").fill(born)
        page.locator(f"#id_members-{index}-dob_precision").select_option("EXACT")
    page.get_by_role("button", name=t("Register the household")).click()
    page.wait_for_url(re.compile(r"/households/LIB-H-\d+/$"))
    journey.see(page, "household")
    expect(page.get_by_role("cell", name=t("principal applicant"))).to_have_count(1)
    assert Person.objects.filter(family_name=family).count() == 2

    menu(page, t("Persons"), exact=True).click()
    search = t("Find a person (name in any script, father's name, year, reference)")
    page.get_by_label(search).fill(f"Mahtab {family}")
    page.get_by_role("button", name=t("Search")).first.click()
    journey.see(page, "search")
    expect(page.locator("table.list tbody tr").first).to_contain_text(f"Mahtab {family}")


def to_ascii_digits(text: str) -> str:
    """Persian or Arabic-Indic digits as ASCII ones, to compare a figure a page shows."""
    return text.translate({zero + i: str(i) for zero in (0x06F0, 0x0660) for i in range(10)})


def test_extradition_refused_with_its_reason(journey, camp):
    t = journey.t
    person = nth_resident(camp.site, journey, 10)
    page = journey.open_as(Role.PROTECTION_OFFICER)
    journey.see(page, "home")
    menu(page, t("Movements"), exact=True).click()
    journey.see(page, "movements")
    page.get_by_role("link", name=t("Request a movement")).click()
    journey.see(page, "request-form")
    page.get_by_label(t("Person reference")).fill(person.reference)
    page.get_by_label(t("Kind of movement")).select_option("EXTRADITION_REQUEST")
    page.get_by_label(t("Requesting state (extradition)")).select_option("IR")
    page.get_by_label(t("Legal reference of the request")).fill("Note verbale 118/2013")
    page.get_by_role("button", name=t("Record and check")).click()
    page.wait_for_url(re.compile(r"/movements/[^/]+/$"))
    journey.see(page, "refused")
    refusal = page.locator("section.refusal")
    expect(refusal.get_by_role("heading")).to_have_text(t("The safeguards refused this movement"))
    with translation.override(journey.lang):
        rule = translation.gettext("Rule %(rule)s") % {"rule": "N5"}
        # The reason in the reader's language, naming the country as their language does.
        fled = translation.gettext(
            "%(country)s, the country the person fled, asks for extradition. The asylum claim "
            "must be finally decided first; a claim made after the request still counts."
        ) % {"country": country_name("IR")}
        basis = to_digits(translation.gettext(legal_bases.EXTRADITION))  # its years in the reader's digits
    reasons = refusal.locator("ul.reasons li")
    expect(reasons.filter(has_text=rule).first).to_contain_text(fled)
    expect(reasons.filter(has_text=rule).first).to_contain_text(t("Legal basis"))
    expect(reasons.filter(has_text=basis).first).to_be_visible()
    if journey.lang == "fa":
        expect(refusal.get_by_role("heading")).to_contain_text("رد کردند")


def test_declare_a_group(journey, camp):
    t = journey.t
    # Each language recognises its own cohort of arrivals, so the journeys stay independent.
    cutoff = {"en": date(2012, 6, 1), "fa": date(2012, 9, 1), "ar": date(2012, 12, 1)}[journey.lang]
    page = journey.open_as(Role.PROTECTION_OFFICER)
    menu(page, t("Group declarations")).click()
    journey.see(page, "declarations")
    page.get_by_role("link", name=t("Declare a group")).click()
    journey.see(page, "declaration-form")
    page.get_by_label(t("Nationality")).select_option("IR")
    page.get_by_label(t("Criterion")).select_option("ARRIVAL")
    page.get_by_label(t("Before this date")).fill(f"{cutoff:%Y-%m-%d}")
    page.get_by_label(t("Effective date")).fill(f"{cutoff:%Y-%m-%d}")
    page.locator("#id_legal_basis").select_option("1951_CONV")
    page.locator("#id_recognised_by").select_option("UNHCR")
    page.get_by_label(t("Legal basis (text of the act)")).fill("Prima facie recognition of the demo camp's cohort")
    page.get_by_role("button", name=t("Preview")).click()
    journey.see(page, "preview")
    heading = page.locator("#preview h2").text_content() or ""
    shown = int(to_ascii_digits(re.search(r"[\d۰-۹]+", heading).group()))  # type: ignore[union-attr]
    assert shown > 0
    page.get_by_role("button", name=t("Confirm the declaration")).click()
    page.wait_for_url(re.compile(r"/declarations/\d+/$"))
    journey.see(page, "declared")
    expect(page.locator("#applied")).to_have_text(journey.n(shown))
    declaration = GroupDeclaration.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert declaration.entries.filter(status="REFUGEE").count() == shown


def test_log_an_incident_with_evidence(journey, camp, tmp_path):
    t = journey.t
    photo = tmp_path / "damage-block-03.png"
    photo.write_bytes(PNG)
    page = journey.open_as(Role.FIELD_MONITOR)
    menu(page, t("Incidents"), exact=True).click()
    journey.see(page, "incidents")
    page.get_by_role("link", name=t("Report an incident")).click()
    journey.see(page, "incident-form")
    page.get_by_label(t("What happened")).select_option("ARMED_ATTACK")
    page.get_by_label(t("When")).fill("2013-02-09T05:40")
    page.get_by_label(t("Severity"), exact=True).select_option("3")
    page.get_by_label(t("How precise is the time")).select_option("MINUTE")
    page.get_by_label(t("Perpetrator"), exact=True).select_option("UNKNOWN")
    page.get_by_label(t("Injured")).fill("2")
    page.get_by_role("button", name=t("Record the incident")).click()
    page.wait_for_url(re.compile(r"/incidents/[A-Z]+-I-\d+/$"))
    journey.see(page, "incident")
    incident_url = page.url
    page.get_by_label(t("File (photo, document, audio, video)")).set_input_files(str(photo))
    page.get_by_role("button", name=t("Attach")).click()
    journey.see(page, "evidence-attached")
    with translation.override(journey.lang):
        attached = translation.ngettext(
            "%(shown)s file attached (shown to protection officers only).",
            "%(shown)s files attached (shown to protection officers only).",
            1,
        ) % {"shown": journey.n(1)}
    expect(page.get_by_text(attached)).to_be_visible()

    # The protection officer sees the file itself, with the checksum taken when it arrived.
    officer = journey.open_as(Role.PROTECTION_OFFICER)
    officer.goto(incident_url)
    journey.see(officer, "evidence-officer")
    evidence = officer.locator("ul.evidence li").first
    expect(evidence).to_contain_text(photo.name)
    expect(evidence).to_contain_text(hashlib.sha256(PNG).hexdigest())


def test_run_a_roll_call(journey, camp):
    t = journey.t
    block = Location.objects.get(site=camp.site, kind="BLOCK", name=f"Block {2 + SETTINGS_INDEX[journey.lang]:02d}")
    page = journey.open_as(Role.PROTECTION_OFFICER)
    menu(page, t("Roll calls")).click()
    journey.see(page, "roll-calls")
    page.goto("/incidents/roll-calls/new/")
    journey.see(page, "start-form")
    page.get_by_label(t("Blocks (none: the whole site)")).select_option(str(block.pk))
    page.get_by_role("button", name=t("Start the roll call")).click()
    page.wait_for_url(re.compile(r"/incidents/roll-calls/\d+/$"))
    page.locator("#rc-list li.rc-person").first.wait_for()
    journey.see(page, "marking")
    roll_call = RollCall.objects.order_by("-pk").first()
    assert roll_call is not None
    total = roll_call.entries.count()
    expect(page.locator("#count-total")).to_have_text(journey.n(total))
    entries = list(roll_call.entries.select_related("person").order_by("person__reference")[:3])
    for entry, result in zip(entries, ["safe", "safe", "dead"], strict=True):
        page.locator("#rc-search").fill(entry.person.reference)
        row = page.locator("#rc-list li.rc-person").filter(has_text=entry.person.reference)
        row.get_by_role("button", name=t(result), exact=True).click()
    expect(page.locator("#pending")).to_have_attribute("data-count", "0")
    expect(page.locator("#count-accounted")).to_have_text(journey.n(3), timeout=15000)
    journey.see(page, "marked")
    page.reload()
    # Closing first says what it will change, and changes nothing until confirmed.
    page.get_by_role("link", name=t("Close the roll call…")).click()
    page.wait_for_url("**/close/")
    journey.see(page, "close-preview")
    unaccounted = t("%(u)s of %(t)s persons are still unaccounted for.") % {
        "u": journey.n(total - 3),
        "t": journey.n(total),
    }
    expect(page.locator("#close-summary")).to_contain_text(unaccounted)
    dead = entries[2].person
    expect(page.locator("#to-review-deceased")).to_contain_text(dead.full_name)
    page.get_by_role("button", name=t("Close with %(u)s unaccounted") % {"u": journey.n(total - 3)}).click()
    page.wait_for_url("**/report/")
    journey.see(page, "report")
    expect(page.locator("#report-accounted")).to_have_text(journey.n(3))
    expect(page.locator("#report-unaccounted")).to_have_text(journey.n(total - 3))
    # The dead mark is an observation: one officer's confirmation waits for a second one.
    assert Person.objects.get(pk=dead.pk).presence == "PRESENT"
    review = page.locator("li.review").filter(has_text=dead.full_name)
    review.get_by_label(t("How is the death known? (body identified, hospital record, witness)")).fill("Witness")
    review.get_by_role("button", name=t("Confirm the death (first of two)")).click()
    expect(review.locator(".review-state")).to_have_text(t("awaiting a second confirmation").capitalize())
    journey.see(page, "death-awaiting-second")
    assert Person.objects.get(pk=dead.pk).presence == "PRESENT"


def test_resettle_a_household(journey, camp):
    t = journey.t
    assessed = ResettlementCase.objects.filter(household__site=camp.site, stage="ASSESSED").order_by("reference")
    # The demo has a few cases at each stage: each journey takes the first still there.
    to_submit = assessed.first()
    leaving = ResettlementCase.objects.filter(household__site=camp.site, stage="DEPARTURE_SCHEDULED").first()
    assert to_submit is not None and leaving is not None
    leavers = leaving.members.filter(active=True).count()

    page = journey.open_as(Role.RESETTLEMENT_OFFICER)
    menu(page, t("The way out")).click()
    journey.see(page, "dashboard-before")
    departed_before = departed_this_month(page, journey)
    menu(page, t("Resettlement"), exact=True).click()
    journey.see(page, "cases")
    page.get_by_role("link", name=to_submit.reference).click()
    journey.see(page, "case-assessed")
    page.get_by_label(t("Country")).select_option(str(ReceivingCountry.objects.order_by("pk")[0].pk))
    page.get_by_role("button", name=t("Submit to the country")).click()
    journey.see(page, "submission-to-confirm")  # the departure's checks are said here
    page.get_by_role("button", name=t("Confirm: %(step)s") % {"step": t("Submit to the country")}).click()
    journey.see(page, "case-submitted")
    expect(page.locator("dl").first).to_contain_text(t("submitted to a country"))  # the stage

    # The protection officer approves the departure; the resettlement officer records it.
    officer = journey.open_as(Role.PROTECTION_OFFICER)
    officer.goto(f"/resettlement/cases/{leaving.reference}/")
    journey.see(officer, "departure-to-approve")
    officer.get_by_role("button", name=t("Approve the departure")).click()
    journey.see(officer, "departure-approved")
    page.goto(f"/resettlement/cases/{leaving.reference}/")
    journey.see(page, "departure-approved")
    page.get_by_role("button", name=t("Record the departure")).click()
    journey.see(page, "departure-to-confirm")
    expect(page.locator("#confirm-summary")).to_contain_text(leaving.members.filter(active=True)[0].person.full_name)
    page.get_by_role("button", name=t("Confirm: %(step)s") % {"step": t("Record the departure")}).click()
    journey.see(page, "departed")
    expect(page.locator("dl").first).to_contain_text(t("departed"))

    menu(page, t("The way out")).click()
    journey.see(page, "dashboard-after")
    assert departed_this_month(page, journey) == departed_before + leavers


def departed_this_month(page, journey: Journey) -> int:
    """The dashboard's departures for the current month (0 when the month has none yet)."""
    with translation.override(journey.lang):  # the camp's today, as the departure is recorded
        month = format_date(today(), precision="MONTH")
    row = page.locator("table.list").first.locator("tbody tr").filter(has_text=month)
    if row.count() == 0:
        return 0
    return int(to_ascii_digits(row.locator("td").nth(1).text_content() or "0"))


def test_export_statistics(journey, camp):
    t = journey.t
    page = journey.open_as(Role.STATISTICS_VIEWER)
    journey.see(page, "home")  # every role lands on its own work, not a 404
    assert page.url.endswith("/work/")
    assert t("Nothing waits for you today.") in page.locator("main").inner_text()
    menu(page, t("Statistics"), exact=True).click()
    journey.see(page, "statistics")
    residents = page.locator("dl.headline dd").first.text_content() or ""
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download the published table (CSV with HXL hashtags)")).click()
    rows = list(csv.reader(download.value.path().read_text(encoding="utf-8").splitlines()))
    assert rows[0][:5] == ["Reporting date", "Country of asylum", "Camp code", "Camp name", "Population"]
    assert rows[1][:3] == ["#date+reported", "#country+code+v_iso3+asylum", "#loc+camp+code"]
    assert rows[2][2] == camp.site.code
    assert rows[2][4] == to_ascii_digits(residents.strip())
