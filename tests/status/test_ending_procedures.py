"""Ending refugee status through its pages and its API, as RSD officers would: open, decide
(confirmed first), notify, appeal to another officer; each step shows the dates that suspend
removal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.html_text import visible_text
from tests.signin import bearer, sign_in

from asylon.core.dates import today
from asylon.status.entries import append_entries
from asylon.status.models import EndingProcedure
from asylon.status.queries import status_on


@pytest.fixture
def refugee(officer1, family):
    person = family[0]
    append_entries(
        actor=officer1,
        person_ids=[person.pk],
        status="REFUGEE",
        effective_on=today() - timedelta(days=400),
        recognised_by="UNHCR",
        determination_mode="INDIVIDUAL",
        legal_basis="1951_CONV",
    )
    return person


def test_the_pages_take_a_cessation_from_opening_to_appeal(client, officer1, officer2, refugee):
    sign_in(client, officer1)
    r = client.post("/ending/", {"person": refugee.reference, "kind": "CESSATION", "clause": "1C(5)"})
    assert r.status_code == 302, r.content
    procedure = EndingProcedure.objects.get()
    detail = f"/ending/{procedure.pk}/"
    step = f"{detail}step/"
    decision = {"step": "decide", "outcome": "ENDED", "reasons": "Fundamental change in the country of origin."}
    r = client.post(step, decision)
    page = visible_text(r.content.decode())
    # The first POST only shows what will change.
    assert r.status_code == 200 and 'id="confirm-summary"' in r.content.decode()
    assert f"({refugee.reference}) will no longer be a refugee" in page
    assert EndingProcedure.objects.get().outcome == "OPEN"
    r = client.post(step, decision | {"confirm": "yes"})
    assert r.status_code == 302
    assert status_on(refugee).status == "CEASED"
    page = visible_text(client.get(detail).content.decode())
    assert "appeal period open: removal suspended" in page
    notified = today()
    r = client.post(step, {"step": "notify", "on": notified.isoformat()})
    assert r.status_code == 302
    procedure.refresh_from_db()
    assert procedure.appeal_deadline == notified + timedelta(days=30)
    r = client.post(step, {"step": "appeal", "reasons": "Compelling reasons from past persecution.", "on": ""})
    assert r.status_code == 302
    assert "appeal pending: removal suspended" in visible_text(client.get(detail).content.decode())
    # The officer who decided cannot decide the appeal.
    r = client.post(step, {"step": "decide_appeal", "outcome": "OVERTURNED", "reasons": "Accepted."})
    assert r.status_code == 422 and "cannot decide its appeal" in r.content.decode()
    client.logout()
    sign_in(client, officer2)
    r = client.post(step, {"step": "decide_appeal", "outcome": "OVERTURNED", "reasons": "Accepted."})
    assert r.status_code == 302
    assert status_on(refugee).status == "REFUGEE"
    assert refugee.reference in visible_text(client.get("/ending/").content.decode())


def test_the_api_answers_the_window_and_the_suspension(client, officer1, refugee):
    headers = bearer(officer1)
    r = client.post(
        "/api/v1/ending-procedures",
        {"person": refugee.reference, "kind": "REVOCATION", "clause": "1F(a)"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = client.post(
        f"/api/v1/ending-procedures/{pid}/decision",
        {"outcome": "ENDED", "reasons": "Acts covered by 1F(a) after recognition."},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200, r.content
    assert (r.json()["outcome"], r.json()["notified_on"], r.json()["removal_suspended"]) == ("ENDED", None, True)
    r = client.post(f"/api/v1/ending-procedures/{pid}/notification", {}, content_type="application/json", **headers)
    assert r.status_code == 200, r.content
    assert r.json()["appeal_deadline"] == (today() + timedelta(days=30)).isoformat()
    assert r.json()["removal_suspended"] is True
    r = client.post(
        f"/api/v1/ending-procedures/{pid}/appeal-decision",
        {"outcome": "UPHELD", "reasons": "No appeal yet."},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 409 and r.json()["code"] == "no_appeal"
    r = client.post(
        f"/api/v1/ending-procedures/{pid}/appeal",
        {"reasons": "The acts were not his."},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200, r.content
    assert (r.json()["appeal_lodged_on"], r.json()["removal_suspended"]) == (today().isoformat(), True)
    listed = client.get("/api/v1/ending-procedures", **headers).json()
    assert [(p["person"], p["kind"]) for p in listed["items"]] == [(refugee.reference, "REVOCATION")]
