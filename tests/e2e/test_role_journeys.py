"""One journey per role through the demo camp, asserting what each user reads: in English on a
1280x800 desktop and in Persian (and Arabic, with ASYLON_JOURNEYS_ARABIC=1) on a 360x740 phone.

Every page a journey visits is checked as `Journey.see` does (language, direction, phone width,
axe-core) and kept as artifacts/screenshots/<role>-<lang>-<step>-<what>.png. A big act that asks
for a confirmation is confirmed through `confirm_if_asked`, which first reads its summary.

The module seeds one demo camp (a small one, through `asylon demo`'s seeding code) and a second,
tiny camp whose every figure is known, for the situation report and the statistics: 30
residents in 10 households, two attacks in February and March 2013 (6 and 7 injured), and a
closed roll call of today with 24 marked safe. Each journey works on its own persons, blocks
and cases, per language, so the journeys do not depend on each other's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer
from tests.conftest import member
from tests.e2e.steps import SETTINGS, Journey, Setting, confirm_if_asked, menu, pdf_text, plain

from asylon.accounts.models import User
from asylon.accounts.roles import Role
from asylon.accounts.services import create_user
from asylon.core.dates import today
from asylon.core.i18n import format_date
from asylon.demo import seeding
from asylon.incidents import rollcall
from asylon.incidents.models import RollCall, RollCallResult
from asylon.incidents.services import report_incident
from asylon.registry import services as registry
from asylon.registry.models import Location, Person, Presence, Site
from asylon.sharing import services as sharing_services
from asylon.sharing.models import Recipient
from asylon.solutions.models import ResettlementCase, Stage
from asylon.status.models import RsdCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_PERSONS = 200
# English on a 1280x800 desktop; the phones as every journey has them.
WALKS = [Setting("en", {"width": 1280, "height": 800}, phone=False) if s.lang == "en" else s for s in SETTINGS]
LANGS = {s.lang: i for i, s in enumerate(WALKS)}
PASSWORD = "correct horse battery staple"
# The known camp: what its situation report and its statistics must read.
KNOWN_HOUSEHOLDS, KNOWN_RESIDENTS = 10, 30
KNOWN_INJURED = (6, 7)
KNOWN_SAFE = 24
PERIOD_START = date(2013, 1, 1)


@pytest.fixture(autouse=True)
def _django_db_marker():
    """Overrides pytest-django's: the journeys share the module's camps (seeded once)."""


@dataclass
class Camp:
    site: Site  # the demo camp
    known: Site  # the small camp with known figures
    url: str
    officer: User  # a protection officer of both camps, for set-up
    monitor: User  # a field monitor of both camps, for set-up
    admin: User  # an administrator of both camps, for set-up


def _seed_known_camp(admin: User, clerk: User, officer: User, monitor: User) -> Site:
    site = registry.create_site(
        actor=admin, code="KNW", name="Known figures camp", host_country="IQ", designation="TTL"
    )
    for user in (admin, clerk, officer, monitor):
        user.sites.add(site)
    units = registry.lay_out_site(actor=admin, site=site, layout={"Block K1": ["K1-01", "K1-02"]})
    for h in range(KNOWN_HOUSEHOLDS):
        arrived = date(2012, 3 + h % 9, 1 + h)
        registry.register_household(
            actor=clerk,
            site=site,
            unit=units[h % 2],
            arrival_date=arrived,
            members=[
                member(given_name=f"Farzin{h}", family_name=f"Knownfamily{h}", registered_on=arrived),
                member(
                    "SPOUSE", given_name=f"Nazanin{h}", family_name=f"Knownfamily{h}", sex="F", registered_on=arrived
                ),
                member("CHILD", given_name=f"Kaveh{h}", date_of_birth=date(2008, 1 + h, 2), registered_on=arrived),
            ],
        )
    zone = timezone.get_current_timezone()
    attacks = (datetime(2013, 2, 9, 5, 40, tzinfo=zone), datetime(2013, 3, 15, 22, 10, tzinfo=zone))
    for injured, on in zip(KNOWN_INJURED, attacks, strict=True):
        report_incident(
            actor=officer,
            site=site,
            kind="ARMED_ATTACK",
            occurred_at=on,
            occurred_precision="MINUTE",
            severity=3,
            perpetrator_category="UNKNOWN",
            injured=injured,
        )
    rc = rollcall.start_roll_call(actor=officer, site=site)
    safe = list(rc.entries.select_related("person").order_by("person__reference")[:KNOWN_SAFE])
    rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mark(e.person, "ACCOUNTED_SAFE") for e in safe])
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    return site


def mark(person: Person, result: str) -> rollcall.Mark:
    return rollcall.Mark(person=person.reference, result=result, marked_at=timezone.now(), client_id=str(uuid4()))


@pytest.fixture(scope="module")
def camp(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        assert "test" in Path(str(connection.settings_dict["NAME"])).name, "not a test database"
        seeding.seed(DEMO_PERSONS)
        site = Site.objects.get(code=seeding.SITE_CODE)
        made = {
            role: create_user(actor=None, username=f"setup-{role}", role=role, sites=[site], password=PASSWORD).user
            for role in (Role.ADMINISTRATOR, Role.REGISTRATION_CLERK, Role.PROTECTION_OFFICER, Role.FIELD_MONITOR)
        }
        officer, monitor = made[Role.PROTECTION_OFFICER], made[Role.FIELD_MONITOR]
        known = _seed_known_camp(made[Role.ADMINISTRATOR], made[Role.REGISTRATION_CLERK], officer, monitor)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Camp(
                site=site,
                known=known,
                url=server.url,
                officer=officer,
                monitor=monitor,
                admin=made[Role.ADMINISTRATOR],
            )
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(params=WALKS, ids=lambda s: s.id)
def setting(request) -> Setting:
    return request.param


def walk(browser, camp: Camp, setting: Setting, role: str, site: Site | None = None) -> Journey:
    return Journey(
        browser=browser,
        base_url=camp.url,
        setting=setting,
        name=role.replace("_", "-"),
        site=site or camp.site,
        flat_shots=True,
    )


@pytest.fixture
def journeys(browser, camp, setting):
    made: list[Journey] = []

    def start(role: str, site: Site | None = None) -> Journey:
        made.append(walk(browser, camp, setting, role, site))
        return made[-1]

    yield start
    for journey in made:
        journey.close()


def resident(camp: Camp, journey: Journey, offset: int, **filters) -> Person:
    """A resident of the demo camp that this journey, in this language, alone works on."""
    residents = Person.objects.filter(site=camp.site, presence=Presence.PRESENT, **filters).order_by("reference")
    return residents[offset + LANGS[journey.lang]]


def block(camp: Camp, journey: Journey, first: int) -> Location:
    """The journey's own block, among the three from Block `first` that hold at least five
    residents (the demo places households at random)."""
    blocks = Location.objects.filter(site=camp.site, kind="BLOCK", name__gte=f"Block {first:02d}").order_by("name")
    busy = [b for b in blocks if Person.objects.filter(unit__parent=b, presence=Presence.PRESENT).count() >= 5]
    return busy[LANGS[journey.lang]]


def digits(text: str) -> int:
    """A figure as a page shows it (Persian, Arabic-Indic or ASCII digits) as a number."""
    ascii_text = text.translate({zero + i: str(i) for zero in (0x06F0, 0x0660) for i in range(10)})
    return int(re.sub(r"\D", "", ascii_text) or "0")


def label(lang: str, choice) -> str:
    with translation.override(lang):
        return str(choice.label)


# --- registration clerk ---------------------------------------------------------------------


def test_registration_clerk(journeys, camp):
    journey = journeys(Role.REGISTRATION_CLERK)
    t = journey.t
    # A woman the register already has comes back with her newborn: she is typed in again,
    # her given name spelled another way, and the form stops before saving anything.
    known = resident(camp, journey, 0, sex="F", date_of_birth__year__lt=1995, date_of_birth__year__gt=1960)
    baby = {"en": "Roya", "fa": "Shabnam", "ar": "Yasmin"}[journey.lang]
    page = journey.open_as(Role.REGISTRATION_CLERK)
    journey.see(page, "home")
    menu(page, t("Register a household")).click()
    journey.see(page, "form")
    page.locator("#id_unit").select_option(index=1)
    rows = [
        ("PA", known.given_name, known.family_name, "F", f"{known.date_of_birth:%Y-%m-%d}"),
        ("CHILD", baby, known.family_name, "F", f"{today() - timedelta(days=20 + 9 * LANGS[journey.lang]):%Y-%m-%d}"),
    ]
    for index, (relationship, given, family, sex, born) in enumerate(rows):
        page.locator(f"#id_members-{index}-relationship").select_option(relationship)
        page.locator(f"#id_members-{index}-given_name").fill(given)
        page.locator(f"#id_members-{index}-family_name").fill(family)
        page.locator(f"#id_members-{index}-sex").select_option(sex)
        page.locator(f"#id_members-{index}-date_of_birth").fill(born)
        page.locator(f"#id_members-{index}-dob_precision").select_option("EXACT")
    persons = Person.objects.count()
    page.get_by_role("button", name=t("Register the household")).click()
    page.locator("#duplicates-summary").wait_for()
    journey.see(page, "duplicate-warning")
    with translation.override(journey.lang):
        nothing_saved = translation.ngettext(
            "Nothing was saved: %(shown)s member resembles a person already registered. Compare the records "
            "below and choose for that member.",
            "Nothing was saved: %(shown)s members resemble persons already registered. Compare the records "
            "below and choose for each of them.",
            1,
        ) % {"shown": journey.n(1)}
    expect(page.locator("#duplicates-summary")).to_contain_text(nothing_saved)
    match = page.locator("section.duplicates").first
    expect(match.locator("h3").first).to_contain_text(f"{known.reference} — {known.full_name}")
    given = match.locator("tr").filter(has=page.get_by_role("rowheader", name=t("Given name"), exact=True)).first
    expect(given).to_contain_text(known.given_name)
    assert Person.objects.count() == persons  # nothing saved

    # "The same person": the newborn joins her household, and she is not registered twice.
    with translation.override(journey.lang):
        same = translation.gettext("The same person as %(ref)s: do not register again") % {"ref": known.reference}
    page.get_by_label(same).check()
    page.get_by_role("button", name=t("Register the household")).click()
    page.wait_for_url(re.compile(r"/households/[A-Z]+-H-\d+/$"))
    journey.see(page, "linked")
    main = page.locator("main")
    expect(main).to_contain_text(known.reference)
    expect(main).to_contain_text(f"{baby} {known.family_name}")
    assert Person.objects.count() == persons + 1
    assert Person.objects.filter(given_name=known.given_name, family_name=known.family_name).count() == 1


# --- field monitor --------------------------------------------------------------------------


def test_field_monitor(journeys, camp):
    journey = journeys(Role.FIELD_MONITOR)
    t = journey.t
    rc = rollcall.start_roll_call(actor=camp.officer, site=camp.site, blocks=[block(camp, journey, 6)])
    total = rc.entries.count()
    entries = list(rc.entries.select_related("person").order_by("person__reference")[:3])
    page = journey.open_as(Role.FIELD_MONITOR)
    journey.see(page, "home")
    menu(page, t("Roll calls")).click()
    journey.see(page, "roll-calls")
    page.goto(f"/incidents/roll-calls/{rc.pk}/")
    page.locator("#rc-list li.rc-person").first.wait_for()
    journey.see(page, "marking")
    expect(page.locator("#count-total")).to_have_text(journey.n(total))
    expect(page.locator("h1")).to_contain_text(f"{t('Roll call')} {journey.n(rc.pk)}")  # in the reader's digits
    for entry, result in zip(entries, ["safe", "safe", "missing"], strict=True):
        page.locator("#rc-search").fill(entry.person.reference)
        row = page.locator("#rc-list li.rc-person").filter(has_text=entry.person.reference)
        expect(row).to_contain_text(entry.person.full_name)
        row.get_by_role("button", name=t(result), exact=True).click()
    expect(page.locator("#pending")).to_have_attribute("data-count", "0", timeout=15000)
    # Safe counts as accounted for; missing does not.
    expect(page.locator("#count-accounted")).to_have_text(journey.n(2), timeout=15000)
    journey.see(page, "marked")
    stored = dict(RollCall.objects.get(pk=rc.pk).entries.values_list("person__reference", "result"))
    assert [stored[e.person.reference] for e in entries] == ["ACCOUNTED_SAFE", "ACCOUNTED_SAFE", "MISSING"]
    # A monitor marks; closing is for protection officers, and the register does not change.
    assert Person.objects.get(pk=entries[2].person.pk).presence == Presence.PRESENT


# --- protection officer ---------------------------------------------------------------------


def test_protection_officer(journeys, camp):
    journey = journeys(Role.PROTECTION_OFFICER)
    t = journey.t
    here = block(camp, journey, 1)
    page = journey.open_as(Role.PROTECTION_OFFICER)
    journey.see(page, "home")

    # An attack with casualties, as reported on the form.
    menu(page, t("Incidents"), exact=True).click()
    page.get_by_role("link", name=t("Report an incident")).click()
    journey.see(page, "incident-form")
    page.get_by_label(t("What happened")).select_option("ARMED_ATTACK")
    page.get_by_label(t("When")).fill(f"{timezone.localtime():%Y-%m-%dT%H:%M}")
    page.get_by_label(t("How precise is the time")).select_option("MINUTE")
    page.get_by_label(t("Severity"), exact=True).select_option("3")
    page.get_by_label(t("Perpetrator"), exact=True).select_option("UNKNOWN")
    page.get_by_label(t("Killed")).fill("1")
    page.get_by_label(t("Injured")).fill("4")
    page.get_by_role("button", name=t("Record the incident")).click()
    page.wait_for_url(re.compile(r"/incidents/[A-Z]+-I-\d+/$"))
    journey.see(page, "incident")
    incident_ref = page.url.rstrip("/").rsplit("/", 1)[1]
    with translation.override(journey.lang):
        casualties = translation.gettext("killed %(k)s, injured %(i)s, missing %(m)s, detained %(d)s") % {
            "k": journey.n(1),
            "i": journey.n(4),
            "m": journey.n(0),
            "d": journey.n(0),
        }
    expect(page.locator("main")).to_contain_text(casualties)

    # The roll call of the attacked block, linked to the incident.
    page.goto("/incidents/roll-calls/new/")
    journey.see(page, "roll-call-form")
    page.get_by_label(t("Blocks (none: the whole site)")).select_option(str(here.pk))
    page.get_by_label(t("Incident reference (optional)")).fill(incident_ref)
    page.get_by_role("button", name=t("Start the roll call")).click()
    page.wait_for_url(re.compile(r"/incidents/roll-calls/\d+/$"))
    rc = RollCall.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert rc.incident is not None and rc.incident.reference == incident_ref
    total = rc.entries.count()
    # The monitors' marks from the field: two safe, one dead, one missing.
    entries = list(rc.entries.select_related("person").order_by("person__reference")[:4])
    dead, missing = entries[2].person, entries[3].person
    rollcall.mark_persons(
        actor=camp.monitor,
        roll_call=rc,
        marks=[
            mark(e.person, r) for e, r in zip(entries, ["ACCOUNTED_SAFE"] * 2 + ["DECEASED", "MISSING"], strict=True)
        ],
    )
    page.reload()
    page.locator("#rc-list li.rc-person").first.wait_for()
    journey.see(page, "marks-arrived")
    expect(page.locator("#count-accounted")).to_have_text(journey.n(3))

    # Closing says what will change before it changes anything.
    page.get_by_role("link", name=t("Close the roll call…")).click()
    page.wait_for_url("**/close/")
    unaccounted = t("%(u)s of %(t)s persons are still unaccounted for.") % {
        "u": journey.n(total - 3),
        "t": journey.n(total),
    }
    assert confirm_if_asked(page, [unaccounted, dead.full_name, missing.full_name], journey, "close-confirm")
    page.wait_for_url("**/report/")
    journey.see(page, "report")
    expect(page.locator("#report-accounted")).to_have_text(journey.n(3))
    expect(page.locator("#report-unaccounted")).to_have_text(journey.n(total - 3))

    # The register after closing: no one is dead or missing until protection officers say so.
    for person in (dead, missing):
        page.goto(f"/persons/{person.reference}/")
        expect(page.locator("#presence")).to_contain_text(label(journey.lang, Presence.PRESENT))
    journey.see(page, "register-unchanged")
    page.goto(f"/incidents/roll-calls/{rc.pk}/report/")
    review = page.locator("li.review").filter(has_text=missing.full_name)
    review.get_by_label(t("Source (optional)")).fill("Family")
    review.get_by_role("button", name=t("Confirm missing")).click()
    page.wait_for_load_state()
    page.goto(f"/persons/{missing.reference}/")
    expect(page.locator("#presence")).to_contain_text(label(journey.lang, Presence.MISSING))
    journey.see(page, "missing-confirmed")

    # A death needs two officers: the first one's confirmation changes nothing yet.
    page.goto(f"/incidents/roll-calls/{rc.pk}/report/")
    review = page.locator("li.review").filter(has_text=dead.full_name)
    review.get_by_label(t("How is the death known? (body identified, hospital record, witness)")).fill("Witness")
    review.get_by_role("button", name=t("Confirm the death (first of two)")).click()
    review = page.locator("li.review").filter(has_text=dead.full_name)
    expect(review.locator(".review-state")).to_have_text(t("awaiting a second confirmation").capitalize())
    expect(review).to_contain_text(t("You confirmed this death first: a second protection officer must confirm it."))
    journey.see(page, "death-first")
    assert Person.objects.get(pk=dead.pk).presence == Presence.PRESENT

    second_journey = journeys(Role.PROTECTION_OFFICER)
    second_journey.name = "protection-officer-second"
    second = second_journey.open_as(Role.PROTECTION_OFFICER)
    second.goto("/incidents/roll-calls/reviews/")
    review = second.locator("li.review").filter(has_text=dead.full_name)
    review.get_by_role("button", name=t("Confirm the death (second)")).click()
    second.wait_for_load_state()
    second.goto(f"/persons/{dead.reference}/")
    expect(second.locator("#presence")).to_contain_text(label(journey.lang, Presence.DECEASED))
    second_journey.see(second, "death-confirmed")


# --- RSD officer ----------------------------------------------------------------------------


CASE_PAGE = re.compile(r"/rsd/(?!new/)[^/]+/$")


def step(page, action: str):
    """The form of one next step on the RSD case page."""
    return page.locator("form.step").filter(has=page.locator(f"input[name=action][value={action}]"))


def take(page, form) -> None:
    """Submit a step's form and land back on the case, or say what the page refused."""
    with page.expect_navigation():
        form.get_by_role("button").click()
    errors = page.locator(".errorlist, .messages .error")
    assert CASE_PAGE.search(page.url), f"{page.url}: " + " | ".join(errors.all_inner_texts())


def test_rsd_officer(journeys, camp):
    journey = journeys(Role.RSD_OFFICER)
    t = journey.t
    applicant = resident(camp, journey, 20, memberships__relationship="PA")
    page = journey.open_as(Role.RSD_OFFICER)
    journey.see(page, "home")
    menu(page, t("RSD cases")).click()
    journey.see(page, "cases")
    page.get_by_role("link", name=t("Open a case")).click()
    page.get_by_label(t("Principal applicant (reference)")).fill(applicant.reference)
    page.get_by_role("button", name=t("Open the case")).click()
    page.wait_for_url(CASE_PAGE)
    journey.see(page, "case-registered")
    case = RsdCase.objects.get(applicant=applicant)
    expect(page.locator("h1 small")).to_have_text(t("registered"))

    interview = today()  # scheduled and held the same day
    form = step(page, "schedule_interview")
    form.locator("input[name$=interview_on]").fill(f"{interview:%Y-%m-%d}")
    take(page, form)
    form = step(page, "record_interview")
    form.locator("textarea[name$=notes]").fill("Threatened in the camp of origin for the family's politics.")
    take(page, form)
    form = step(page, "assess")
    form.locator("textarea[name$=assessment]").fill("Well-founded fear; credible and consistent.")
    form.locator("select[name$=recommendation]").select_option("RECOGNISED")
    take(page, form)
    journey.see(page, "case-assessed")
    expect(page.locator("h1 small")).to_have_text(t("assessed"))
    form = step(page, "decide")
    form.locator("select[name$=decide_outcome]").select_option("RECOGNISED")
    form.locator("textarea[name$=reasons]").fill("Political opinion imputed by the state of origin.")
    form.locator("input[type=checkbox][value=POLITICAL_OPINION]").check()
    form.locator("select[name$=legal_basis]").select_option("1951_CONV")
    form.locator("select[name$=recognised_by]").select_option("UNHCR")
    with page.expect_navigation():
        form.get_by_role("button").click()
    confirm_if_asked(page, [applicant.reference], journey, "decision-confirm")
    page.wait_for_url(CASE_PAGE)
    journey.see(page, "case-decided")
    expect(page.locator("h1 small")).to_have_text(t("decided"))
    expect(page.locator("dl.facts").first).to_contain_text(t("recognised"))
    case.refresh_from_db()
    assert case.state == "DECIDED" and case.outcome == "RECOGNISED"
    # The recognition becomes the person's status when it is notified to them.
    take(page, step(page, "notify"))
    journey.see(page, "case-notified")
    expect(page.locator("h1 small")).to_have_text(t("notified"))

    # The person's legal status reads as a word in the reader's language, never a code.
    page.goto(f"/persons/{applicant.reference}/")
    journey.see(page, "person")
    page.get_by_role("link", name=t("Legal status and its history")).click()
    journey.see(page, "status")
    with translation.override(journey.lang):
        from asylon.status.models import LegalStatus

        refugee = str(LegalStatus.REFUGEE.label)
    main = page.locator("main")
    expect(main.locator("dl").first).to_contain_text(refugee)
    assert "REFUGEE" not in main.inner_text() and "RECOGNISED" not in main.inner_text()
    # Its history names the act it rests on in the same language.
    with translation.override(journey.lang):
        act = translation.gettext("RSD case %(ref)s") % {"ref": case.reference}
    expect(main.locator("table").last).to_contain_text(act)


# --- resettlement officer -------------------------------------------------------------------


def stage_figures(page) -> dict[str, int]:
    """The dashboard's "cases at each stage" table: stage label -> cases."""
    table = page.locator('div.table-wrap[aria-labelledby="h-stages"] table')
    rows = table.locator("tbody tr")
    return {
        (rows.nth(i).locator("td").nth(0).text_content() or "").strip(): digits(
            rows.nth(i).locator("td").nth(1).text_content() or ""
        )
        for i in range(rows.count())
    }


def test_resettlement_officer(journeys, camp):
    journey = journeys(Role.RESETTLEMENT_OFFICER)
    t = journey.t
    cases = ResettlementCase.objects.filter(household__site=camp.site)
    case = cases.filter(stage=Stage.ASSESSED).order_by("reference")[LANGS[journey.lang]]
    page = journey.open_as(Role.RESETTLEMENT_OFFICER)
    journey.see(page, "home")
    menu(page, t("The way out")).click()
    journey.see(page, "dashboard")
    before = stage_figures(page)
    # Every stage's figure is the number of the camp's cases at that stage.
    for stage in Stage:
        assert before.get(label(journey.lang, stage), 0) == cases.filter(stage=stage).count(), stage

    page.goto(f"/resettlement/cases/{case.reference}/")
    journey.see(page, "case")
    expect(page.locator("dl").first).to_contain_text(label(journey.lang, Stage.ASSESSED))
    page.get_by_label(t("Country")).select_option(index=1)
    page.get_by_role("button", name=t("Submit to the country")).click()
    members = list(case.members.filter(active=True).values_list("person__reference", flat=True))
    confirm_if_asked(page, members, journey, "submit-confirm")
    page.wait_for_url(re.compile(r"/resettlement/cases/[^/]+/$"))
    journey.see(page, "submitted")
    expect(page.locator("dl").first).to_contain_text(label(journey.lang, Stage.SUBMITTED))
    assert "SUBMITTED" not in page.locator("dl").first.inner_text()

    menu(page, t("The way out")).click()
    journey.see(page, "dashboard-after")
    after = stage_figures(page)
    submitted, assessed = label(journey.lang, Stage.SUBMITTED), label(journey.lang, Stage.ASSESSED)
    assert after[submitted] == before.get(submitted, 0) + 1
    assert after.get(assessed, 0) == before[assessed] - 1


# --- partner --------------------------------------------------------------------------------


def test_partner(journeys, camp):
    journey = journeys(Role.PARTNER)
    t = journey.t
    person = resident(camp, journey, 30, sharing_grants__isnull=True)
    # The account acts for a resettlement delegation of the demo, which reads only what is
    # submitted to it.
    delegation = Recipient.objects.filter(kind="RESETTLEMENT_COUNTRY").order_by("pk")[LANGS[journey.lang]]
    partner = User.objects.get(username=journey.user(Role.PARTNER))
    sharing_services.link_recipient_user(actor=camp.admin, recipient=delegation, user=partner)
    page = journey.open_as(Role.PARTNER)
    journey.see(page, "home")
    response = page.goto(f"/persons/{person.reference}/")
    assert response is not None and response.status == 404
    journey.see(page, "refused")
    text = page.locator("main").inner_text()
    # The refusal in the partner's own language, naming the rule, and nothing of the person.
    assert t("Not found") in text and "D3" in text
    assert person.given_name not in text and person.family_name not in text
    expect(page.get_by_role("link", name=t("Back to your start page"))).to_be_visible()

    # A person whose case was submitted to the delegation: the demo's agreement covers the
    # person page's fields, so the delegation reads the record it was given.
    shared = Person.objects.filter(
        sharing_grants__recipient=delegation, sharing_grants__expires_at__isnull=True
    ).first()
    if shared is None:
        shared = resident(camp, journey, 40, sharing_grants__isnull=True)
        rso = User.objects.get(username="demo-seeder-resettlement")
        sharing_services.grant_sharing(
            actor=rso, recipient=delegation, persons=[shared], reason="Submission", source="e2e"
        )
    response = page.goto(f"/persons/{shared.reference}/")
    assert response is not None and response.status == 200
    journey.see(page, "shared-person")
    text = page.locator("main").inner_text()
    assert shared.reference in text and shared.given_name in text


# --- statistics and the situation report ----------------------------------------------------


def test_statistics_viewer(journeys, camp):
    journey = journeys(Role.STATISTICS_VIEWER, site=camp.known)
    t = journey.t
    page = journey.open_as(Role.STATISTICS_VIEWER)
    journey.see(page, "home")
    menu(page, t("Statistics"), exact=True).click()
    journey.see(page, "statistics")
    headline = page.locator("dl.headline dd")
    expect(headline.nth(0)).to_have_text(journey.n(KNOWN_RESIDENTS))
    expect(headline.nth(1)).to_have_text(journey.n(KNOWN_HOUSEHOLDS))
    # Aggregates only: no situation report, no register.
    expect(page.locator("a").filter(has_text=t("Situation report"))).to_have_count(0)
    response = page.goto("/persons/")
    assert response is not None and response.status == 404
    journey.see(page, "no-register")


def test_publisher_reads_the_situation_report(journeys, camp):
    journey = journeys(Role.PROTECTION_OFFICER, site=camp.known)
    journey.name = "publisher"
    t = journey.t
    end = today()
    page = journey.open_as(Role.PROTECTION_OFFICER)
    menu(page, t("Situation report")).click()
    journey.see(page, "sitrep-form")
    page.get_by_label(t("From"), exact=True).fill(f"{PERIOD_START:%Y-%m-%d}")
    page.get_by_label(t("To"), exact=True).fill(f"{end:%Y-%m-%d}")
    page.get_by_role("button", name=t("Generate the PDF")).click()  # made on the queue: its page
    with page.expect_download() as download:
        page.locator("#job-download").click()
    kept = journey.shot_path("sitrep").with_suffix(".pdf")
    download.value.save_as(kept)  # kept beside the screenshots
    text = pdf_text(kept)
    kept.with_suffix(".txt").write_text(text, encoding="utf-8")
    n = journey.n
    with translation.override(journey.lang):
        from asylon.status.models import LegalStatus

        gettext = translation.gettext
        expected = [
            gettext("Incidents of the period"),
            gettext("Roll calls"),
            # The incidents section: two attacks, 13 injured, no one killed.
            gettext("%(n)s incidents; in all %(k)s killed, %(j)s injured.")
            % {"n": n(2), "k": n(0), "j": n(sum(KNOWN_INJURED))},
            *(f"{gettext('injured')} {n(i)}" for i in KNOWN_INJURED),
            f"{gettext('severity')} {n(3)}",
            format_date(date(2013, 2, 9)),
            format_date(date(2013, 3, 15)),
            # The roll call of today, closed: 24 safe, 6 not checked.
            f"{gettext('Roll call of')} {format_date(end)} ({gettext('closed')})",
            # (not yet checked, the row before safe, has diacritics pdftotext reorders in Arabic)
            f"{n(KNOWN_RESIDENTS - KNOWN_SAFE)} {RollCallResult.ACCOUNTED_SAFE.label} {n(KNOWN_SAFE)}",
            # The population as of the period's last day: all 30 present, all asylum seekers.
            f"{Presence.PRESENT.label} {n(KNOWN_RESIDENTS)}",
            f"{LegalStatus.ASYLUM_SEEKER.label} {n(KNOWN_RESIDENTS)}",
        ]
    missing = [e for e in expected if f" {plain(e)} " not in f" {text} "]
    assert not missing, f"the situation report does not read {missing}:\n{text}"
    assert "Farzin" not in text  # no one is named without the annex


# --- administrator --------------------------------------------------------------------------


def test_administrator(journeys, camp):
    journey = journeys(Role.ADMINISTRATOR)
    t = journey.t
    page = journey.open_as(Role.ADMINISTRATOR)
    journey.see(page, "home")
    menu(page, t("Users")).click()
    journey.see(page, "users")
    rows = page.locator("table.list tbody tr")
    # Each user with their role as a word of the reader's language, never its code.
    for username, role in [("demo-field-monitor", Role.FIELD_MONITOR), ("demo-rsd-officer", Role.RSD_OFFICER)]:
        row = rows.filter(has=page.get_by_role("link", name=username, exact=True))
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(1)).to_have_text(label(journey.lang, role))
        expect(row.locator("td").nth(2)).to_have_text(camp.site.code)
    assert "field_monitor" not in page.locator("table.list").inner_text()
    # The known camp's users are not the administrator's: they work in another site only.
    expect(rows.filter(has_text="statistics-viewer-")).to_have_count(0)
    page.get_by_role("link", name="demo-field-monitor", exact=True).click()
    journey.see(page, "user")
    expect(page.locator("main")).to_contain_text(label(journey.lang, Role.FIELD_MONITOR))
