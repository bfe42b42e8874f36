"""Table-driven tests of the data-sharing gate D1-D6 (synthetic data)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from asylon.core.errors import SafeguardRefusal
from asylon.safeguards import legal_bases as basis
from asylon.safeguards.sharing_rules import assess_disclosure
from asylon.safeguards.types import (
    Agreement,
    DisclosureSubject,
    LegalStatus,
    PersonFacts,
    Recipient,
    RecipientKind,
)

R = RecipientKind
ON = date(2014, 6, 1)
FIELDS = frozenset({"reference", "names", "date_of_birth"})

HOST_AGREEMENT = Agreement(
    purpose="residence permits",
    fields=FIELDS,
    non_refoulement_undertaking=True,
    valid_from=date(2014, 1, 1),
    valid_to=date(2014, 12, 31),
    reference="MOU-2014",
)
ANY_AGREEMENT = Agreement(
    purpose="verification",
    fields=frozenset({"reference", "names", "date_of_birth", "religion"}),
    non_refoulement_undertaking=True,
    valid_from=date(2000, 1, 1),
)

IRANIAN = DisclosureSubject("LIB-1", country_of_origin="IR", nationality="IR", submitted_to_countries={"AL"})
STATELESS = DisclosureSubject("LIB-2", former_habitual_residence="SY", submitted_to_countries={"AL", "DE"})
AT_RISK_IN_TR = DisclosureSubject("LIB-3", country_of_origin="AF", risk_countries={"TR"})


def host(**kw):
    fields = dict(agreement=HOST_AGREEMENT)
    fields.update(kw)
    return Recipient(R.HOST_AUTHORITY, country="IQ", **fields)


def with_agreement(agreement, **changes):
    values = {f: getattr(agreement, f) for f in agreement.__dataclass_fields__}
    values.update(changes)
    return Agreement(**values)


CASES = [
    # D1: country of origin, persecutors, embassies and proxies. No override.
    (
        "D1 country-of-origin authority",
        Recipient(R.COUNTRY_OF_ORIGIN_AUTHORITY, "IR", agreement=ANY_AGREEMENT),
        [IRANIAN],
        "verification",
        "D1",
    ),
    (
        "D1 origin authority with no persons at all",
        Recipient(R.COUNTRY_OF_ORIGIN_AUTHORITY, "IR"),
        [],
        "verification",
        "D1",
    ),
    (
        "D1 alleged persecutor",
        Recipient(R.ALLEGED_PERSECUTOR, "", agreement=ANY_AGREEMENT),
        [STATELESS],
        "verification",
        "D1",
    ),
    (
        "D1 an embassy of the origin state posing as an NGO",
        Recipient(R.NGO, "IR", agreement=ANY_AGREEMENT),
        [IRANIAN],
        "verification",
        "D1",
    ),
    (
        "D1 a UN agency in the former residence state",
        Recipient(R.UN_AGENCY, "SY", agreement=ANY_AGREEMENT),
        [STATELESS],
        "verification",
        "D1",
    ),
    (
        "D1 resettlement state that is a recorded risk country",
        Recipient(R.RESETTLEMENT_COUNTRY, "TR"),
        [AT_RISK_IN_TR],
        "resettlement",
        "D1",
    ),
    (
        "D1 one person of the batch is enough",
        Recipient(R.RESETTLEMENT_COUNTRY, "IR"),
        [STATELESS, IRANIAN],
        "resettlement",
        "D1",
    ),
    # D2: host authority.
    ("D2 no agreement", host(agreement=None), [IRANIAN], "residence permits", "D2"),
    ("D2 wrong purpose", host(), [IRANIAN], "verification", "D2"),
    (
        "D2 agreement expired",
        host(agreement=with_agreement(HOST_AGREEMENT, valid_to=date(2014, 5, 31))),
        [IRANIAN],
        "residence permits",
        "D2",
    ),
    (
        "D2 agreement not yet in force",
        host(agreement=with_agreement(HOST_AGREEMENT, valid_from=date(2014, 7, 1))),
        [IRANIAN],
        "residence permits",
        "D2",
    ),
    (
        "D2 no non-refoulement undertaking",
        host(agreement=with_agreement(HOST_AGREEMENT, non_refoulement_undertaking=False)),
        [IRANIAN],
        "residence permits",
        "D2",
    ),
    # D3: resettlement countries see only cases submitted to them.
    (
        "D3 not submitted to that country",
        Recipient(R.RESETTLEMENT_COUNTRY, "DE"),
        [IRANIAN, STATELESS],
        "resettlement",
        "D3",
    ),
    ("D3 country not recorded", Recipient(R.RESETTLEMENT_COUNTRY, ""), [IRANIAN], "resettlement", "D3"),
    # DP: partners need an agreement too.
    ("DP NGO without agreement", Recipient(R.NGO, "IQ"), [IRANIAN], "legal aid", "DP"),
]


@pytest.mark.parametrize(("recipient", "persons", "purpose", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusals(recipient, persons, purpose, rule):
    decision = assess_disclosure(recipient, persons, FIELDS, purpose, ON)
    assert not decision.allowed
    assert decision.rule == rule
    assert (
        decision.legal_basis
        == {
            "D1": basis.CONFIDENTIALITY_COUNTRY_OF_ORIGIN,
            "D2": basis.HOST_STATE_SHARING,
            "D3": basis.RESETTLEMENT_SHARING,
            "DP": basis.PARTNER_SHARING,
        }[rule]
    )
    assert decision.allowed_fields == frozenset()
    with pytest.raises(SafeguardRefusal) as caught:
        decision.raise_if_refused()
    assert caught.value.rule == rule


def test_d1_refuses_aggregates_too():
    recipient = Recipient(R.COUNTRY_OF_ORIGIN_AUTHORITY, "IR", agreement=ANY_AGREEMENT)
    decision = assess_disclosure(recipient, [IRANIAN], {"count"}, "statistics", ON, aggregate=True)
    assert not decision.allowed and decision.rule == "D1"


def test_d2_refuses_fields_beyond_the_agreement_and_names_them():
    decision = assess_disclosure(host(), [IRANIAN], FIELDS | {"religion"}, "residence permits", ON)
    assert not decision.allowed and decision.rule == "D2"
    assert "religion" in decision.detail


def test_d2_allows_minimum_fields_under_a_valid_agreement():
    decision = assess_disclosure(host(), [IRANIAN], {"reference", "names"}, "Residence permits ", ON)
    assert decision.allowed and decision.rule == "D2"
    assert decision.allowed_fields == {"reference", "names"}


@pytest.mark.parametrize("on", [date(2014, 1, 1), date(2014, 12, 31)])
def test_d2_agreement_bounds_are_inclusive(on):
    assert assess_disclosure(host(), [IRANIAN], FIELDS, "residence permits", on).allowed


def test_d3_allows_submitted_cases():
    recipient = Recipient(R.RESETTLEMENT_COUNTRY, "AL")
    decision = assess_disclosure(recipient, [IRANIAN, STATELESS], FIELDS, "resettlement", ON)
    assert decision.allowed and decision.rule == "D3"


def test_d3_agreement_narrows_the_fields():
    agreement = Agreement("resettlement", frozenset({"reference"}), False, date(2010, 1, 1))
    recipient = Recipient(R.RESETTLEMENT_COUNTRY, "AL", agreement=agreement)
    assert not assess_disclosure(recipient, [IRANIAN], FIELDS, "resettlement", ON).allowed
    assert assess_disclosure(recipient, [IRANIAN], {"reference"}, "resettlement", ON).allowed


def test_person_facts_can_be_assessed_directly():
    facts = PersonFacts("LIB-9", LegalStatus.REFUGEE, country_of_origin="IR", submitted_to_countries={"AL"})
    assert assess_disclosure(Recipient(R.RESETTLEMENT_COUNTRY, "AL"), [facts], FIELDS, "resettlement", ON).allowed
    assert not assess_disclosure(Recipient(R.UN_AGENCY, "IR"), [facts], FIELDS, "x", ON).allowed


def test_d5_aggregates_are_flagged_for_disclosure_control():
    decision = assess_disclosure(Recipient(R.UN_AGENCY, "CH"), [IRANIAN], {"f_0_4"}, "statistics", ON, aggregate=True)
    assert decision.allowed and decision.rule == "D5"
    assert decision.requires_disclosure_control
    assert decision.legal_basis == basis.AGGREGATE_DISCLOSURE_CONTROL


def test_dp_partner_with_agreement():
    agreement = Agreement("legal aid", FIELDS, False, date(2014, 1, 1))
    decision = assess_disclosure(Recipient(R.NGO, "IQ", agreement=agreement), [IRANIAN], FIELDS, "legal aid", ON)
    assert decision.allowed and decision.rule == "DP"


def test_d6_audit_record():
    decision = assess_disclosure(host(), [IRANIAN], FIELDS, "residence permits", ON)
    record = decision.as_audit_dict()
    json.dumps(record)
    assert record["recipient"] == {
        "kind": "HOST_AUTHORITY",
        "country": "IQ",
        "name": "",
        "agreement": "MOU-2014",
    }
    assert record["legal_basis"] == basis.HOST_STATE_SHARING
    assert record["purpose"] == "residence permits"
    assert record["allowed_fields"] == sorted(FIELDS)
    assert record["persons"] == ["LIB-1"]
