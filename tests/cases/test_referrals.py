"""A referral is a disclosure: consent, agreement, purpose and the minimum fields, or nothing
leaves and nothing is written. The partner sees only the referrals made to it."""

from __future__ import annotations

import pytest

from asylon.audit.models import AuditEvent
from asylon.cases import queries
from asylon.cases.models import Referral
from asylon.cases.services_referrals import answer_referral, refer_case
from asylon.core.errors import Conflict, NotFound, SafeguardRefusal
from asylon.sharing.models import Disclosure

from .conftest import MEDICAL_FIELDS, consent, make_partner

pytestmark = pytest.mark.django_db

FIELDS = ["reference", "age", "referral_reason"]


def referral_consent(worker, case, clinic, fields=FIELDS):
    return consent(worker, case, scope="REFERRAL", service="MEDICAL", recipient=clinic, fields=fields)


def test_no_referral_without_consent_and_the_record_is_unchanged(open_case, worker, clinic):
    case = open_case()
    consent(worker, case)  # case management is not consent to share
    with pytest.raises(SafeguardRefusal) as exc:
        refer_case(actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=FIELDS)
    assert exc.value.rule == "DC"
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="case.referral_refused", object_ref=case.reference).exists()


def test_consent_must_cover_every_field_shared(open_case, worker, clinic):
    case = open_case()
    referral_consent(worker, case, clinic, fields=["age"])
    with pytest.raises(SafeguardRefusal) as exc:
        refer_case(actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=["age", "full_name"])
    assert "full_name" in exc.value.detail
    assert not Referral.objects.exists()


def test_no_referral_beyond_the_partners_agreement(open_case, worker, make_user):
    lab = make_partner(worker, make_user, name="Lab (synthetic)", fields=["age"], username="lab")
    case = open_case()
    referral_consent(worker, case, lab, fields=["age", "full_name"])
    with pytest.raises(SafeguardRefusal) as exc:
        refer_case(actor=worker, case=case, service="MEDICAL", recipient=lab, fields=["age", "full_name"])
    assert exc.value.rule == "DP" and "full_name" in exc.value.detail
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="disclosure.refused").exists()


def test_no_referral_for_a_purpose_the_agreement_does_not_cover(open_case, worker, clinic):
    case = open_case()
    consent(worker, case, scope="REFERRAL", service="LEGAL_AID", recipient=clinic, fields=FIELDS)
    with pytest.raises(SafeguardRefusal) as exc:
        refer_case(actor=worker, case=case, service="LEGAL_AID", recipient=clinic, fields=FIELDS)
    assert exc.value.rule == "DP" and "legal aid referral" in exc.value.detail


def test_a_referral_shares_only_the_consented_fields_and_is_a_recorded_disclosure(open_case, worker, clinic, adult):
    case = open_case()
    referral_consent(worker, case, clinic)
    referral = refer_case(
        actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=FIELDS, note="Wound care"
    )
    assert set(referral.shared) == set(FIELDS)
    assert referral.shared["reference"] == adult.reference and referral.shared["referral_reason"] == "Wound care"
    assert "full_name" not in referral.shared
    disclosure = referral.disclosure
    assert (
        disclosure is not None and disclosure.fields == sorted(FIELDS) and disclosure.person_refs == [adult.reference]
    )


def test_the_partner_answers_and_the_outcome_reaches_the_case(open_case, worker, clinic):
    case = open_case()
    referral_consent(worker, case, clinic)
    referral = refer_case(actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=FIELDS)
    partner = clinic.partner
    with pytest.raises(Conflict):
        answer_referral(actor=partner, referral=referral, action="complete", text="done")
    answer_referral(actor=partner, referral=referral, action="accept")
    answer_referral(actor=partner, referral=referral, action="complete", text="Wound dressed; review in a week")
    seen = queries.get_case(worker, case.reference).referrals.get()
    assert (seen.state, seen.outcome) == ("COMPLETED", "Wound dressed; review in a week")


def test_a_partner_sees_only_the_referrals_made_to_it(open_case, worker, clinic, make_user):
    other = make_partner(worker, make_user, name="Other clinic (synthetic)", fields=MEDICAL_FIELDS, username="other")
    case = open_case()
    referral_consent(worker, case, clinic)
    referral = refer_case(actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=FIELDS)
    assert list(queries.referrals_for_partner(clinic.partner)) == [referral]
    assert list(queries.referrals_for_partner(other.partner)) == []
    with pytest.raises(NotFound):
        queries.get_referral(other.partner, referral.reference)
    with pytest.raises(NotFound):
        answer_referral(actor=other.partner, referral=referral, action="accept")
    # No partner reads a case itself.
    assert not queries.cases_for(clinic.partner).exists()


def test_an_internal_referral_needs_consent_but_no_agreement(open_case, worker):
    case = open_case()
    consent(worker, case, scope="REFERRAL", service="PSYCHOSOCIAL", fields=["full_name"])
    referral = refer_case(
        actor=worker, case=case, service="PSYCHOSOCIAL", internal_unit="PSS team", fields=["full_name"]
    )
    assert referral.disclosure is None and not Disclosure.objects.exists()
    answer_referral(actor=worker, referral=referral, action="decline", text="Waiting list full")
    referral.refresh_from_db()
    assert (referral.state, referral.decline_reason) == ("DECLINED", "Waiting list full")


def test_the_partner_reads_the_shared_values_in_words_in_its_language(client, open_case, worker, make_user, adult):
    from django.utils import translation
    from tests.signin import sign_in

    fields = ["reference", "sex", "languages", "risk_level"]
    clinic = make_partner(worker, make_user, name="Words clinic (synthetic)", fields=fields, username="words")
    adult.languages = "fa,prs"
    adult.save(update_fields=["languages"])
    case = open_case(risk_level="HIGH")
    referral_consent(worker, case, clinic, fields=fields)
    referral = refer_case(actor=worker, case=case, service="MEDICAL", recipient=clinic, fields=fields)
    assert referral.shared["sex"] == "M" and referral.shared["languages"] == "fa,prs"  # kept as recorded

    clinic.partner.language = "fa"
    clinic.partner.save(update_fields=["language"])
    sign_in(client, clinic.partner)
    page = client.get(f"/cases/referrals/{referral.reference}/").content.decode()
    with translation.override("fa"):
        for words in (translation.gettext("male"), "فارسی، دری", translation.gettext("high")):
            assert f"<dd><bdi>{words}</bdi></dd>" in page
    assert "<dd>M</dd>" not in page and "HIGH" not in page and "fa,prs" not in page
