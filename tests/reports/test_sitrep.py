"""The situation report: every section present and true to what happened, a PDF that opens,
no name without the annex."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.conftest import member
from tests.movements.conftest import set_status
from tests.solutions.conftest import make_country, to_stage

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.cases import services as case_services
from asylon.cases.models import CaseType, RiskLevel
from asylon.core.errors import NotPermitted
from asylon.incidents import rollcall
from asylon.incidents import services as incident_services
from asylon.incidents.models import IncidentKind, RollCallResult
from asylon.movements import gate
from asylon.movements import requests as movement_requests
from asylon.registry import services
from asylon.registry.models import Person
from asylon.reports import sitrep, statistics
from asylon.reports.models import ReportRun
from asylon.solutions import services as resettlement
from asylon.solutions.models import Stage
from asylon.solutions.queries import dashboard
from asylon.status.models import LegalStatus

START, END = date(2013, 1, 1), date(2013, 3, 31)
HEADINGS = [
    "Population",
    "Legal status",
    "Incidents of the period",
    "Roll calls",
    "Protection cases",
    "Resettlement",
    "Safeguard refusals",
]
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing (make system-deps)")


@pytest.fixture
def camp(clerk, site_a, unit_a):
    """About 60 residents in 15 households, registered as a clerk would."""
    for h in range(15):
        arrived = date(2012, 2 + h % 10, 1 + h)
        services.register_household(
            actor=clerk,
            site=site_a,
            unit=unit_a,
            arrival_date=arrived,
            members=[
                member(given_name=f"Kourosh{h}", family_name=f"Ahmadzadeh{h}", registered_on=arrived),
                member(
                    "SPOUSE",
                    given_name=f"Shirin{h}",
                    family_name=f"Ahmadzadeh{h}",
                    sex="F",
                    date_of_birth=date(1982, 1 + h % 12, 3),
                    registered_on=arrived,
                ),
                member("CHILD", given_name=f"Babak{h}", date_of_birth=date(2003 + h % 8, 6, 1), registered_on=arrived),
                member("CHILD", given_name=f"Laleh{h}", sex="F", date_of_birth=date(2011, 2, 2), registered_on=arrived),
            ],
        )
    return site_a


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@needs_poppler
def test_the_sitrep_has_every_section_and_renders_to_pages(camp, protection_officer, tmp_path):
    pdf, run = sitrep.generate_sitrep(protection_officer, site=camp, start=START, end=END)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    for heading in HEADINGS:
        assert heading in text, heading
    assert "No data recorded for this period." in text  # no incident, roll call or refusal in 2013
    assert "60" in text  # the headline population
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.stat().st_size > 1000 for p in pages)
    # No personal data without the annex.
    names = Person.objects.values_list("given_name", "family_name")
    assert not [n for pair in names for n in pair if n and n in text]
    assert run.kind == "SITREP" and not run.with_annex and len(run.sha256) == 64
    assert AuditEvent.objects.filter(action="report.generated", object_id=str(run.pk)).exists()


@needs_poppler
def test_the_annex_names_persons_only_for_the_protection_officer(camp, protection_officer, clerk, make_user, tmp_path):
    missing = Person.objects.get(given_name="Babak3")
    services.change_presence(actor=clerk, person=missing, presence="MISSING", reason="not seen since the attack")
    # The change is dated today; as of today's date he is missing.
    today = date.today()
    pdf, run = sitrep.generate_sitrep(protection_officer, site=camp, start=START, end=today, annex=True)
    path = tmp_path / "annex.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert "Annex" in text and "Babak3" in text and missing.reference in text
    assert run.with_annex
    event = AuditEvent.objects.get(action="report.generated", object_id=str(run.pk))
    assert event.changes["annex_persons"] == [missing.reference]

    admin = make_user(Role.ADMINISTRATOR, username="admin2")
    with pytest.raises(NotPermitted):
        sitrep.generate_sitrep(admin, site=camp, start=START, end=END, annex=True)
    viewer = make_user(Role.STATISTICS_VIEWER, username="viewer")
    with pytest.raises(NotPermitted):
        sitrep.generate_sitrep(viewer, site=camp, start=START, end=END)


@needs_poppler
def test_the_command_writes_the_pdf(camp, protection_officer, tmp_path):
    out = tmp_path / "cmd.pdf"
    call_command(
        "report",
        "sitrep",
        "--site",
        camp.code,
        "--period",
        "2013-01-01:2013-03-31",
        "--out",
        str(out),
        "--as",
        protection_officer.username,
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert ReportRun.objects.filter(requested_by=protection_officer).count() == 1


@needs_poppler
def test_the_demo_camps_sitrep_has_every_section_and_renders_to_pages(db, tmp_path):
    from asylon.accounts.models import User
    from asylon.demo.seeding import SITE_CODE, seed
    from asylon.registry.models import Site

    seeded = seed()
    camp = Site.objects.get(code=SITE_CODE)
    officer = User.objects.get(username="demo-protection-officer")
    pdf, _run = sitrep.generate_sitrep(officer, site=camp, start=date(2013, 1, 1), end=date(2013, 3, 31))
    path = tmp_path / "demo-sitrep.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)  # pdftotext fails on a PDF that does not open
    for heading in HEADINGS:
        assert heading in text, heading
    assert f"{seeded.persons:,}" in text or str(seeded.persons) in text  # the headline population
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 1000 for p in pages)


# --- each section says what happened ----------------------------------------------------------
#
# A day at the camp, recorded through the services as the officers would: an armed attack with 3
# injured, a roll call after it (closed), a medical case opened for one of the injured from
# the roll call's mark, an extradition request the safeguards refused, one
# household resettled in the period and one seven months before it (both entered today, as a
# departure is often entered after the fact).

TODAY = timezone.localdate()
PERIOD = (TODAY - timedelta(days=30), TODAY)
RECENT, LONG_AGO = TODAY - timedelta(days=3), TODAY - timedelta(days=210)
SECTION_TITLES = [
    "Population",
    "Legal status",
    "Incidents of the period",
    "Roll calls",
    "Protection cases",
    "Resettlement and the emptying of the site",
    "Safeguard refusals",
]
NO_DATA = "No data recorded for this period."
ARRIVED = date(2012, 2, 18)
HEADLINE = "Residents Households Arrivals in the period Departures in the period"


def words(text: str) -> str:
    return " ".join(text.split())


def sections_of(text: str) -> dict[str, str]:
    """The PDF's text cut at its numbered section headings: title -> what the section says."""
    flat = words(text)
    cuts = [flat.index(f"{n}. {title}") for n, title in enumerate(SECTION_TITLES, start=1)]
    bounds = [*cuts[1:], len(flat)]
    return {
        title: flat[cut + len(title) + 3 : end].strip()
        for title, cut, end in zip(SECTION_TITLES, cuts, bounds, strict=True)
    }


def resettled_household(clerk, site, *, po, po2, rso, country, departed_on, name):
    """A household of 3 recognised refugees, resettled through the services on `departed_on`."""
    household = services.register_household(
        actor=clerk,
        site=site,
        unit=None,
        arrival_date=ARRIVED,
        members=[
            member(given_name=name, family_name="Rostami", registered_on=ARRIVED),
            member("SPOUSE", given_name=f"{name}-spouse", family_name="Rostami", sex="F", registered_on=ARRIVED),
            member(
                "CHILD",
                given_name=f"{name}-child",
                family_name="Rostami",
                date_of_birth=date(2010, 4, 4),
                registered_on=ARRIVED,
            ),
        ],
    )
    for m in household.memberships.all():
        set_status(po, m.person, "REFUGEE")
    case = resettlement.open_case(actor=rso, household=household, primary_category="LPP", secondary_category="LAS")
    to_stage(rso, case, "DEPARTURE_SCHEDULED", country=country, po=po, po2=po2)
    resettlement.approve_departure(actor=po, case=case)
    resettlement.record_departure(actor=rso, case=case, departed_on=departed_on)
    return household


@pytest.fixture
def known_day(camp, clerk, protection_officer, make_user):
    """The day described above, in the camp of 60 residents (all asylum seekers)."""
    po2 = make_user(Role.PROTECTION_OFFICER, username="protection-2")
    rso = make_user(Role.RESETTLEMENT_OFFICER, username="resettlement")
    albania = make_country(protection_officer, rso, make_user, "AL")
    for name, day in (("Arash", RECENT), ("Bijan", LONG_AGO)):
        resettled_household(
            clerk, camp, po=protection_officer, po2=po2, rso=rso, country=albania, departed_on=day, name=name
        )
    attack = incident_services.report_incident(
        actor=protection_officer,
        site=camp,
        kind="ARMED_ATTACK",
        occurred_at=timezone.now() - timedelta(hours=2),
        severity=4,
        perpetrator_category="UNKNOWN",
        injured=3,
    )
    roll_call = rollcall.start_roll_call(actor=protection_officer, site=camp, incident=attack)
    residents = list(Person.objects.filter(site=camp, presence="PRESENT").order_by("reference"))
    results = ["INJURED"] * 3 + ["ABSENT_KNOWN"] * 4 + ["ACCOUNTED_SAFE"] * 50  # 3 left unchecked
    now = timezone.now()
    rollcall.mark_persons(
        actor=protection_officer,
        roll_call=roll_call,
        marks=[
            rollcall.Mark(person=p.reference, result=r, marked_at=now, client_id=f"m{i}")
            for i, (p, r) in enumerate(zip(residents, results, strict=False))
        ],
    )
    rollcall.close_roll_call(actor=protection_officer, roll_call=roll_call)
    injured = roll_call.entries.filter(result="INJURED").select_related("person").first()
    case_services.open_case(
        actor=protection_officer,
        person=injured.person,
        case_type="MEDICAL",
        risk_level="HIGH",
        caseworker=protection_officer,
        mark=injured,
    )
    with pytest.raises(gate.MovementRefused):
        movement_requests.request_movement(
            actor=protection_officer,
            person=residents[-1],
            kind="EXTRADITION_REQUEST",
            requesting_state="IR",
            legal_reference="Warrant 7/2013",
        )
    return camp


def sitrep_text(actor, site, tmp_path, period=PERIOD) -> dict[str, str]:
    pdf, _run = sitrep.generate_sitrep(actor, site=site, start=period[0], end=period[1])
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    return sections_of(pdf_text(path))


def label(choice) -> str:
    return str(choice.label)


def figures_of_the_day(site) -> dict[str, list[str]]:
    """What a reader of each section must read about the known day, all figures published."""
    results = (
        (RollCallResult.ACCOUNTED_SAFE, 50),
        (RollCallResult.INJURED, 3),
        (RollCallResult.ABSENT_KNOWN, 4),
        (RollCallResult.NOT_YET_CHECKED, 3),
        (RollCallResult.MISSING, 0),
    )
    return {
        # The headline boxes: residents and households on the last day (both resettled
        # households have left), arrivals, and departures in the period: 3, not the 3 more who
        # left seven months before it.
        "Population": [HEADLINE + " 60 15 0 3"],
        "Legal status": [f"{label(LegalStatus.ASYLUM_SEEKER)} 60"],
        "Incidents of the period": [
            f"{label(IncidentKind.ARMED_ATTACK)} (severity 4): killed 0, injured 3, missing 0, detained 0",
            "1 incidents; in all 0 killed, 3 injured.",
        ],
        "Roll calls": [
            f"Roll call of {TODAY:%Y-%m-%d} (closed)",
            *(f"{label(result)} {n}" for result, n in results),
            "Total 60",
        ],
        "Protection cases": [
            "closed: 0",
            f"{label(CaseType.MEDICAL)} 1",
            f"{label(RiskLevel.HIGH)} 1",
            f"{label(CaseType.SURVIVOR_OF_VIOLENCE)} —",  # none reads as hidden, like a few
        ],
        "Resettlement and the emptying of the site": [
            f"{label(Stage.DEPARTED)} 2",
            "Persons departed for resettlement in the period: 3",
            "Projection: " + words(str(dashboard(site, on=PERIOD[1]).projection.message)),
        ],
        "Safeguard refusals": [
            "Steps refused in the period: 1",
            "N1 return to the country of origin 1",
            "N5 extradition before the asylum decision 1",
        ],
    }


@needs_poppler
@pytest.mark.parametrize("section", SECTION_TITLES)
def test_each_section_gives_the_figures_of_the_day(section, known_day, protection_officer, settings, tmp_path):
    settings.ASYLON_SMALL_CELL_THRESHOLD = 1  # an operator who publishes every figure
    text = sitrep_text(protection_officer, known_day, tmp_path)[section]
    assert NO_DATA not in text
    for phrase in figures_of_the_day(known_day)[section]:
        assert phrase in text


@needs_poppler
def test_the_command_prints_the_same_figures(known_day, protection_officer, settings, tmp_path):
    settings.ASYLON_SMALL_CELL_THRESHOLD = 1
    out = tmp_path / "cmd.pdf"
    call_command(
        "report",
        "sitrep",
        "--site",
        known_day.code,
        "--period",
        f"{PERIOD[0]:%Y-%m-%d}:{PERIOD[1]:%Y-%m-%d}",
        "--out",
        str(out),
        "--as",
        protection_officer.username,
    )
    text = sections_of(pdf_text(out))
    assert "1 incidents; in all 0 killed, 3 injured." in text["Incidents of the period"]
    assert f"{label(RollCallResult.INJURED)} 3" in text["Roll calls"]
    assert "Persons departed for resettlement in the period: 3" in text["Resettlement and the emptying of the site"]
    assert "Steps refused in the period: 1" in text["Safeguard refusals"]


@needs_poppler
def test_a_period_when_nothing_happened_says_so_section_by_section(known_day, protection_officer, settings, tmp_path):
    settings.ASYLON_SMALL_CELL_THRESHOLD = 1
    quiet = (TODAY - timedelta(days=120), TODAY - timedelta(days=60))  # after the old departure, before the day
    text = sitrep_text(protection_officer, known_day, tmp_path, period=quiet)
    for title in ("Incidents of the period", "Roll calls", "Safeguard refusals"):
        assert text[title].startswith(NO_DATA), title
    assert HEADLINE + " 63 16 0 0" in text["Population"]  # the household that left 3 days ago is there
    assert "Persons departed for resettlement in the period: 0" in text["Resettlement and the emptying of the site"]


@needs_poppler
def test_small_casualty_figures_stay_hidden_but_the_attack_is_reported(known_day, protection_officer, tmp_path):
    text = sitrep_text(protection_officer, known_day, tmp_path)  # the default threshold, 5
    incidents = text["Incidents of the period"]
    assert f"{label(IncidentKind.ARMED_ATTACK)} (severity 4): killed 0, injured —" in incidents
    assert "injured 3" not in incidents


def test_residents_on_a_past_day_count_a_household_until_the_day_it_left(known_day, protection_officer):
    between = RECENT - timedelta(days=1)  # the recent household still there, the old one gone
    stats = statistics.population_statistics(protection_officer, site=known_day, on=between, internal=True)
    assert stats.total == 63
    series = statistics.time_series(
        protection_officer, site=known_day, start=LONG_AGO - timedelta(days=1), end=LONG_AGO, internal=True
    )
    assert series.departures.total == 3
