"""The checkpoint journey: a clerk issues an asylum-seeker certificate on the resident's page;
the printed PDF's QR code decodes to a statement that verifies with the published key; a
phone at a checkpoint opens the verification page once, loses the network, and reads "valid";
after the resident's departure is recorded and the phone has synced, it reads "withdrawn"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.e2e.steps import SCREENSHOTS, login, tr

from asylon.documents import signing
from asylon.documents.management.commands.documents import read_code
from asylon.documents.models import ProtectionDocument
from asylon.registry.queries import principal_applicant
from asylon.status.models import LegalStatus
from asylon.status.services import record_status_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(phone, code: str, lang: str) -> str:
    phone.get_by_label(tr(lang, "Code on the paper")).fill(code)
    phone.get_by_role("button", name=tr(lang, "Check"), exact=True).click()
    verdict = phone.locator("#verdict")
    expect(verdict).not_to_be_empty()
    return verdict.text_content() or ""


def test_a_certificate_verifies_offline_and_reads_withdrawn_after_a_departure(
    browser, live_server, clerk, protection_officer, household, tmp_path
):
    resident = principal_applicant(household)
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    login(page, "clerk")
    page.goto(f"/persons/{resident.reference}/")
    page.get_by_role("link", name="Protection documents (certificates, attestations)").click()
    page.get_by_label("Kind of document").select_option(label="asylum-seeker certificate")
    page.get_by_label("Printed in").select_option("fa")
    page.get_by_role("button", name="Issue", exact=True).click()
    doc = ProtectionDocument.objects.get(person=resident)
    row = page.locator("#documents tbody tr").first
    expect(row).to_contain_text(doc.reference)
    expect(row).to_contain_text("asylum seeker")
    expect(row).to_contain_text("valid")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "documents-issued.png"), full_page=True)

    # The printed paper's QR code, read back from the PDF, verifies with the published key.
    pdf = page.request.get(f"/documents/{doc.reference}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "paper.pdf").write_bytes(pdf.body())
    code = read_code(str(tmp_path / "paper.pdf"))
    keys = page.request.get("/verify/keys.json").json()["keys"]
    checked = signing.check(code, keys)
    assert checked.authentic and checked.payload["r"] == doc.reference
    desk.close()

    # A checkpoint's phone, in Persian, opens the page once; then the network is gone.
    phone_ctx = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="fa-IR", is_mobile=True
    )
    phone = phone_ctx.new_page()
    phone.goto("/verify/")
    expect(phone.locator("#verifier")).to_have_attribute("data-offline-ready", "1", timeout=10000)
    phone_ctx.set_offline(True)
    phone.reload()
    assert _check(phone, code, "fa") == tr("fa", "Valid")
    expect(phone.locator("#d-reference")).to_have_text(doc.reference)
    phone.screenshot(path=str(SCREENSHOTS / "documents-verify-offline-fa.png"), full_page=True)
    assert _check(phone, code.replace(".", ".x", 1), "fa") != tr("fa", "Valid")

    # The resident leaves; the register withdraws the paper; the phone syncs once and goes offline.
    record_status_event(
        actor=protection_officer, person=resident, status=LegalStatus.DEPARTED_RESETTLED, note="Left for Canada"
    )
    phone_ctx.set_offline(False)
    phone.reload()
    expect(phone.locator("#verifier")).to_have_attribute("data-offline-ready", "1", timeout=10000)
    phone_ctx.set_offline(True)
    phone.reload()
    assert _check(phone, code, "fa") == tr("fa", "Withdrawn")
    phone.screenshot(path=str(SCREENSHOTS / "documents-withdrawn-fa.png"), full_page=True)
    phone_ctx.close()
