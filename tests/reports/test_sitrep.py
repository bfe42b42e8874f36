"""The situation report: every section present, a PDF that opens, no name without the annex."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.conftest import member

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.errors import NotPermitted
from asylon.registry import services
from asylon.registry.models import Person
from asylon.reports import sitrep
from asylon.reports.models import ReportRun

START, END = date(2013, 1, 1), date(2013, 3, 31)
HEADINGS = ["Population", "Legal status", "Incidents of the period", "Roll calls", "Resettlement", "Safeguard refusals"]
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
    assert "No data recorded for this period." in text  # the sections of apps not yet there
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
    from asylon.registry import demo
    from asylon.registry.models import Site

    seeded = demo.seed()
    camp = Site.objects.get(code=demo.SITE_CODE)
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
