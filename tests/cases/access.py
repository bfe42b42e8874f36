"""Access-matrix entries for protection cases.

The world's case is a medical case (not sensitive) held by the world's protection officer,
so protection officers get through; no other role sees a case at all. Writes send bodies the
service refuses as invalid (422/409): they pass the role gate and change nothing. The world's
partner account acts for no recipient: its inbox is empty (200) and a referral is 404.
"""

from __future__ import annotations

from tests.access_matrix import NOBODY, Entry, having

VIEW = having("cases.view_protectioncase") | having("cases.view_sensitive_case")
OPEN = having("cases.add_protectioncase")
WORK = having("cases.change_protectioncase")
ANSWER = having("cases.answer_referral")
CASE = {"reference": "protection_case.reference"}
BASE = "api:POST /api/v1/protection-cases/{reference}"


def _post(path: str, body, params=CASE, allow=WORK) -> tuple[str, Entry]:
    return BASE + path, Entry(allow, method="POST", params=params, body=body)


ROUTES = {
    "api:GET /api/v1/protection-cases": Entry(VIEW),
    "api:POST /api/v1/protection-cases": Entry(
        OPEN,
        method="POST",
        body=lambda w: {"person": w.person.reference, "case_type": "MEDICAL", "risk_level": "HIGH", "caseworker": ""},
    ),
    "api:GET /api/v1/protection-cases/{reference}": Entry(VIEW, params=CASE),
    "api:GET /api/v1/protection-cases/{reference}/assessment-form": Entry(VIEW, params=CASE),
    "api:GET /api/v1/referrals": Entry(ANSWER),
    "api:GET /api/v1/referrals/{reference}": Entry(NOBODY, params={"reference": "case_referral.reference"}),
    "api:POST /api/v1/referrals/{reference}/answers": Entry(
        WORK,
        method="POST",
        params={"reference": "case_referral.reference"},
        body=lambda w: {"action": "no-such-action"},
    ),
}
for _key, _entry in [
    _post("/consents", lambda w: {"giver": "PERSON", "scope": "NOTHING"}),
    _post(
        "/consents/{consent_id}/withdrawal",
        lambda w: {"note": "matrix"},
        params=CASE | {"consent_id": "case_consent.pk"},
    ),
    _post("/assessments", lambda w: {"answers": {"no_such_question": "x"}}),
    _post("/actions", lambda w: {"action": "", "owner": "nobody", "due_on": "2026-12-10"}),
    _post(
        "/actions/{action_id}/completion",
        lambda w: {"outcome": ""},
        params=CASE | {"action_id": "case_action.pk"},
    ),
    _post("/reviews", lambda w: {"risk_level": "NO-SUCH-LEVEL"}),
    _post("/notes", lambda w: {"text": ""}),
    _post("/closure", lambda w: {"reason": "NO-SUCH-REASON"}),
    _post("/reopening", lambda w: {"reason": ""}),
    _post("/referrals", lambda w: {"service": "MEDICAL", "fields": []}),
]:
    ROUTES[_key] = _entry


def build_world(w):
    from datetime import timedelta

    from asylon.cases import services
    from asylon.cases.services_referrals import refer_case
    from asylon.core.dates import today

    po = w.users["protection_officer"]
    case = services.open_case(actor=po, person=w.person, case_type="MEDICAL", risk_level="HIGH", caseworker=po)
    services.record_consent(actor=po, case=case, giver="PERSON", scope="CASE_MANAGEMENT")
    w.case_consent = services.record_consent(
        actor=po, case=case, giver="PERSON", scope="REFERRAL", service="PSYCHOSOCIAL", fields=["full_name"]
    )
    services.record_assessment(
        actor=po, case=case, answers={"condition": "Burns", "urgency": "URGENT", "summary": "Dressings"}
    )
    w.case_action = services.add_plan_action(
        actor=po, case=case, action="Clinic visit", owner=po, due_on=today() + timedelta(days=1)
    )
    w.case_referral = refer_case(
        actor=po, case=case, service="PSYCHOSOCIAL", internal_unit="PSS team", fields=["full_name"]
    )
    w.protection_case = case


# Pages: the same rule. Step forms post invalid bodies (the page answers 422 with the errors).
CASE_PAGE = {"reference": "protection_case.reference"}


def _page(name: str, body=None, params=CASE_PAGE, allow=WORK) -> tuple[str, Entry]:
    return f"page:cases:{name}", Entry(allow, method="POST", params=params, body=body or (lambda w: {}))


ROUTES |= {
    "page:cases:case_list": Entry(VIEW),
    "page:cases:case_open": Entry(OPEN),
    "page:cases:case_detail": Entry(VIEW, params=CASE_PAGE),
    "page:cases:referral_inbox": Entry(ANSWER),
    "page:cases:referral_detail": Entry(NOBODY, params={"reference": "case_referral.reference"}),
    "page:cases:referral_answer": Entry(
        WORK, method="POST", params={"reference": "case_referral.reference"}, body=lambda w: {"action": "nothing"}
    ),
}
for _key, _entry in [
    _page("case_consent"),
    _page("consent_withdraw", params=CASE_PAGE | {"pk": "case_consent.pk"}, body=lambda w: {"note": "matrix"}),
    _page("case_assess"),
    _page("case_action"),
    _page("action_done", params=CASE_PAGE | {"pk": "case_action.pk"}),
    _page("case_review", body=lambda w: {"risk_level": "NOPE"}),
    _page("case_note"),
    _page("case_refer"),
    _page("case_close"),
    _page("case_reopen"),
]:
    ROUTES[_key] = _entry
