"""A refusal reads in the reader's language; the audit trail keeps the English evidence."""

from __future__ import annotations

from tests.signin import sign_in

from asylon.accounts.models import User
from asylon.audit.models import AuditEvent
from asylon.core.messages import reason_text
from asylon.movements.models import GateResult, Movement

N5_FA = "ایران، کشوری که فرد از آن گریخته، استرداد او را درخواست کرده است."
N5_AR = "ورد طلب تسليم من إيران، وهو البلد الذي فرّ منه الشخص."
N5_EN = "Iran, the country the person fled, asks for extradition."
N5_AUDIT = "IR, the country the person fled, asks for extradition."


def _refused_extradition(client, po, person) -> Movement:
    sign_in(client, po)
    client.post(
        "/movements/new/",
        {
            "person": person.reference,
            "kind": "EXTRADITION_REQUEST",
            "destination_country": "IR",
            "requesting_state": "IR",
            "legal_reference": "Warrant 12/2013",
        },
    )
    movement = Movement.objects.get(person=person)
    assert movement.state == "REFUSED"
    return movement


def _page(client, user, movement, language: str) -> str:
    User.objects.filter(pk=user.pk).update(language=language)
    return sign_in(client, user).get(f"/movements/{movement.reference}/").content.decode()


def test_a_refused_extradition_reads_in_persian_arabic_and_english(client, po, resident):
    movement = _refused_extradition(client, po, resident())
    persian = _page(client, po, movement, "fa")
    assert N5_FA in persian
    assert "کنوانسیون ۱۹۵۱ پناهندگان، ماده ۳۳(۱)" in persian  # the legal basis, translated, in its digits
    assert "asks for extradition" not in persian and "1951 Refugee Convention" not in persian
    arabic = _page(client, po, movement, "ar")
    assert N5_AR in arabic and "asks for extradition" not in arabic
    english = _page(client, po, movement, "en")
    assert N5_EN in english and "1951 Refugee Convention, art. 33(1)" in english


def test_the_audit_record_and_the_gate_result_keep_the_english_text(client, po, resident):
    movement = _refused_extradition(client, po, resident())
    gate = GateResult.objects.filter(movement=movement).last()
    n5 = next(b for b in gate.blocks if b["rule"] == "N5" and b.get("params"))
    assert n5["detail"].startswith(N5_AUDIT)
    assert n5["params"] == {"country": {"country": "IR"}}
    event = AuditEvent.objects.filter(action="movement.assess_refused").last()
    blocks = event.changes["gate"]["blocks"]
    assert any(b["detail"].startswith(N5_AUDIT) for b in blocks)


def test_reasons_stored_before_messages_still_show():
    from django.utils import translation

    old_static = {"rule": "N7", "detail": "A best-interests assessment for this child is missing."}
    old_free = {"rule": "N1", "detail": "IR is a country the person fled. Missing: x."}
    with translation.override("fa"):
        assert reason_text(old_static) == "ارزیابی منافع عالیهٔ این کودک موجود نیست."
        assert reason_text(old_free) == old_free["detail"]  # shown as stored: nothing is lost


def test_a_refusal_shown_as_a_form_error_reads_in_the_readers_language():
    from django.utils import translation

    from asylon.core.errors import SafeguardRefusal
    from asylon.safeguards import RecipientKind, legal_bases
    from asylon.safeguards.sharing_rules import d1_refusal
    from asylon.safeguards.types import DisclosureSubject, Recipient

    reason = d1_refusal(Recipient(kind=RecipientKind.NGO, country="IR"), [DisclosureSubject("P-1", "IR")])
    assert reason is not None
    refusal = SafeguardRefusal("D1", legal_bases.CONFIDENTIALITY_COUNTRY_OF_ORIGIN, reason.english(), reason.as_dict())
    with translation.override("fa"):
        assert refusal.message.startswith("D1: گیرنده از طرف ایران عمل می‌کند")
    with translation.override("en"):
        assert refusal.message.startswith("D1: The recipient acts for Iran,")
    assert str(refusal).startswith("D1: The recipient acts for IR,")  # the logged text stays as it was
    assert refusal.as_dict()["detail"] == reason.english()


def test_a_count_in_a_reason_is_written_in_the_readers_digits():
    from django.utils import translation

    from asylon.core.messages import render
    from asylon.safeguards.messages import Number, message

    allowed = message("May share the %(count)s listed field(s) for: %(purpose)s.", count=Number(12), purpose="x")
    assert allowed.english().startswith("May share the 12 listed")  # the stored evidence keeps ASCII
    with translation.override("fa"):
        assert "۱۲ فیلد" in render(allowed.as_dict())
    with translation.override("ar"):
        assert "١٢" in render(allowed.as_dict())
    with translation.override("en"):
        assert render(allowed.as_dict()).startswith("May share the 12 listed")
