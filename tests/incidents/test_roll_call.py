"""Roll calls: who is expected, marks from many monitors (newer wins, conflicts shown,
idempotent), live counts. What closing does to the register is in test_roll_call_reviews.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.incidents.conftest import register_residents
from tests.signin import bearer, sign_in

from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.incidents import rollcall
from asylon.incidents.models import PresenceReview, RollCallEntry
from asylon.registry import services as registry
from asylon.registry.models import Location


@pytest.fixture
def residents(clerk, site_a, unit_a):
    other_block = Location.objects.create(site=site_a, kind="BLOCK", name="Block 2")
    other_unit = Location.objects.create(site=site_a, kind="UNIT", name="T20", parent=other_block)
    people = register_residents(clerk, site_a, unit_a, ["Ava", "Behrouz", "Camran", "Dina"])
    people += register_residents(clerk, site_a, other_unit, ["Elham", "Farid"])
    return people


T0 = [timezone.now()]


@pytest.fixture(autouse=True)
def clock_start():
    T0[0] = timezone.now()


def at(seconds: int):
    """A client time: within a test, the same argument gives the same instant, as a resent mark would."""
    return T0[0] + timedelta(seconds=seconds)


def mk(person, result, when, cid):
    return rollcall.Mark(person=person.reference, result=result, marked_at=when, client_id=cid)


def test_start_lists_present_residents_only(officer, site_a, unit_a, residents, clerk):
    registry.change_presence(actor=clerk, person=residents[0], presence="DEPARTED", reason="resettled")
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    assert rc.entries.count() == 5
    by_block = rollcall.start_roll_call(actor=officer, site=site_a, blocks=[unit_a.parent])
    assert by_block.entries.count() == 3
    assert rollcall.counts(rc) | {"by_result": None} == {
        "total": 5,
        "accounted": 0,
        "unaccounted": 5,
        "by_result": None,
    }


def test_monitor_may_mark_but_not_start_or_close(monitor, officer, site_a, residents):
    with pytest.raises(NotPermitted):
        rollcall.start_roll_call(actor=monitor, site=site_a)
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mk(residents[0], "ACCOUNTED_SAFE", at(1), "c1")])
    with pytest.raises(NotPermitted):
        rollcall.close_roll_call(actor=monitor, roll_call=rc)


def test_newer_mark_wins_older_is_a_conflict_and_resend_is_idempotent(monitor, officer, site_a, residents):
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    p = residents[0]
    first = rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mk(p, "NOT_FOUND", at(10), "m1")])
    assert first[0]["status"] == "applied"
    newer = rollcall.mark_persons(actor=officer, roll_call=rc, marks=[mk(p, "INJURED", at(20), "o1")])
    assert newer[0]["status"] == "applied"
    # A mark made earlier but arriving later (an offline phone) does not overwrite.
    late = rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mk(p, "ACCOUNTED_SAFE", at(15), "m2")])
    assert late[0]["status"] == "conflict"
    assert late[0]["stored"]["result"] == "INJURED" and late[0]["stored"]["marked_by"] == "officer"
    again = rollcall.mark_persons(actor=officer, roll_call=rc, marks=[mk(p, "INJURED", at(20), "o1")])
    assert again[0]["status"] == "duplicate"
    entry = RollCallEntry.objects.get(roll_call=rc, person=p)
    assert (entry.result, entry.version, entry.marked_by) == ("INJURED", 2, officer)


def test_rejected_marks_say_why(officer, site_a, residents, site_b, clerk):
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    marks, rejected = rollcall.parse_marks(
        [
            {"person": residents[0].reference, "result": "ALIVE", "marked_at": at(1).isoformat(), "client_id": "a"},
            {
                "person": residents[0].reference,
                "result": "INJURED",
                "marked_at": "2020-01-01T00:00:00",
                "client_id": "b",
            },
            {"person": "ZZZ-000001", "result": "INJURED", "marked_at": at(1).isoformat(), "client_id": "c"},
            {
                "person": residents[1].reference,
                "result": "INJURED",
                "marked_at": at(3600).isoformat(),
                "client_id": "d",
            },
        ]
    )
    assert [r["reason"] for r in rejected] == ["unknown result", "marked_at must be an ISO time with its offset"]
    out = rollcall.mark_persons(actor=officer, roll_call=rc, marks=marks)
    assert [r["status"] for r in out] == ["rejected", "rejected"]
    assert rollcall.counts(rc)["accounted"] == 0


def test_blocks_of_another_site_are_refused(officer, site_a, site_b):
    foreign = Location.objects.create(site=site_b, kind="BLOCK", name="B9")
    with pytest.raises(InvalidInput):
        rollcall.start_roll_call(actor=officer, site=site_a, blocks=[foreign])


def test_marking_endpoint_needs_csrf_and_the_counts_follow(monitor, officer, site_a, residents):
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, monitor)
    page = browser.get(f"/incidents/roll-calls/{rc.pk}/")
    assert page.status_code == 200
    token = page.context["csrf_token"]
    body = json.dumps(
        {
            "marks": [
                {
                    "person": residents[0].reference,
                    "result": "ACCOUNTED_SAFE",
                    "marked_at": at(1).isoformat(),
                    "client_id": "x1",
                }
            ]
        }
    )
    url = f"/incidents/roll-calls/{rc.pk}/marks"
    assert browser.post(url, body, content_type="application/json").status_code == 403
    r = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    assert r.status_code == 200 and [m["status"] for m in r.json()["results"]] == ["applied"]
    assert browser.get(f"/incidents/roll-calls/{rc.pk}/counts.json").json()["accounted"] == 1
    entries = browser.get(f"/incidents/roll-calls/{rc.pk}/entries.json").json()["entries"]
    assert len(entries) == 6 and entries[0]["name"]
    assert browser.get(f"/incidents/roll-calls/{rc.pk}/counts.json").json()["unaccounted"] == 5
    sw = browser.get("/incidents/roll-calls/sw.js")
    assert sw["Content-Type"] == "application/javascript" and b"caches" in sw.content
    # The report naming the dead and missing is for protection officers only.
    assert browser.get(f"/incidents/roll-calls/{rc.pk}/report/").status_code == 404


def test_api_roll_call(client, officer, site_a, residents):
    h = bearer(officer)
    r = client.post("/api/v1/roll-calls", json.dumps({"site": "AAA"}), content_type="application/json", **h)
    assert r.status_code == 201 and r.json()["counts"]["total"] == 6
    pk = r.json()["id"]
    results = ["ACCOUNTED_SAFE", "ACCOUNTED_SAFE", "ACCOUNTED_SAFE", "MISSING", "DECEASED"]  # the sixth: no mark
    marks = [
        {"person": p.reference, "result": result, "marked_at": at(1).isoformat(), "client_id": p.reference}
        for p, result in zip(residents, results, strict=False)
    ]
    r = client.post(
        f"/api/v1/roll-calls/{pk}/marks", json.dumps({"marks": marks}), content_type="application/json", **h
    )
    assert r.json()["counts"]["accounted"] == 4  # the dead are accounted for
    close = f"/api/v1/roll-calls/{pk}/close"
    # Without "confirm": true nothing closes; the 409 carries what closing would do.
    for body in ({}, {"confirm": False}):
        r = client.post(close, json.dumps(body), content_type="application/json", **h)
        assert r.status_code == 409 and r.json()["code"] == "confirmation_required"
    preview = r.json()["preview"]
    assert (preview["total"], preview["accounted"], preview["unaccounted"], preview["reviews"]) == (6, 4, 2, 2)
    assert [e["person"] for e in preview["to_review"]["MISSING"]] == [residents[3].reference]
    assert [e["name"] for e in preview["to_review"]["DECEASED"]] == [residents[4].full_name]
    assert preview["to_review"]["NOT_FOUND"] == []
    assert client.get(f"/api/v1/roll-calls/{pk}", **h).json()["state"] == "OPEN"
    assert not PresenceReview.objects.exists()
    r = client.post(close, json.dumps({"confirm": True}), content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["state"] == "CLOSED"
    assert PresenceReview.objects.filter(roll_call_id=pk).count() == 2


def test_a_person_marked_twice_in_one_batch_keeps_the_newer_mark(monitor, officer, site_a, residents):
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    p, q = residents[0], residents[1]
    out = rollcall.mark_persons(
        actor=monitor,
        roll_call=rc,
        marks=[mk(p, "INJURED", at(30), "b2"), mk(q, "ACCOUNTED_SAFE", at(5), "q1"), mk(p, "NOT_FOUND", at(20), "b1")],
    )
    assert sorted((o["client_id"], o["status"]) for o in out) == [
        ("b1", "applied"),
        ("b2", "applied"),
        ("q1", "applied"),
    ]
    stored = dict(RollCallEntry.objects.filter(roll_call=rc).values_list("person__reference", "result"))
    assert stored[p.reference] == "INJURED"
    assert stored[q.reference] == "ACCOUNTED_SAFE"
    assert RollCallEntry.objects.get(roll_call=rc, person=p).version == 2


def test_each_batch_is_one_audit_event_naming_the_persons_it_marked(monitor, officer, site_a, residents):
    from asylon.audit.models import AuditEvent
    from asylon.audit.verify import verify_chain

    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    a, b, c = residents[:3]
    rollcall.mark_persons(actor=officer, roll_call=rc, marks=[mk(c, "INJURED", at(30), "o1")])
    out = rollcall.mark_persons(
        actor=monitor,
        roll_call=rc,
        marks=[
            mk(a, "ACCOUNTED_SAFE", at(10), "m1"),
            mk(b, "NOT_FOUND", at(11), "m2"),
            mk(b, "MISSING", at(12), "m3"),  # the same person twice: the newer mark stays
            mk(c, "ACCOUNTED_SAFE", at(20), "m4"),  # older than the officer's: a conflict
        ],
    )
    assert sorted(r["status"] for r in out) == ["applied", "applied", "applied", "conflict"]
    events = list(AuditEvent.objects.filter(action="roll_call.marked", object_id=str(rc.pk)).order_by("seq"))
    assert [(e.actor_username, e.site_id, e.changes) for e in events] == [
        ("officer", site_a.pk, {"channel": "PHONE", "marks": {c.reference: "INJURED"}}),
        ("monitor", site_a.pk, {"channel": "PHONE", "marks": {a.reference: "ACCOUNTED_SAFE", b.reference: "MISSING"}}),
    ]
    # A batch that changes nothing (a resend) writes no event.
    rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mk(a, "ACCOUNTED_SAFE", at(10), "m1")])
    assert AuditEvent.objects.filter(action="roll_call.marked", object_id=str(rc.pk)).count() == 2
    assert verify_chain().ok


def test_a_batch_that_meets_a_close_is_refused_whole(monitor, officer, site_a, residents, monkeypatch):
    # The close lands between the batch's read of the entries and its UPDATE: the report the
    # officer read must not change under it, so the batch is refused and nothing is marked.
    rc = rollcall.start_roll_call(actor=officer, site=site_a)
    apply_rounds = rollcall._apply_rounds

    def close_first(*args, **kwargs):
        rollcall.close_roll_call(actor=officer, roll_call=rc)
        return apply_rounds(*args, **kwargs)

    monkeypatch.setattr(rollcall, "_apply_rounds", close_first)
    with pytest.raises(Conflict) as refused:
        rollcall.mark_persons(actor=monitor, roll_call=rc, marks=[mk(residents[0], "INJURED", at(5), "late-1")])
    assert refused.value.code == "roll_call_closed"
    assert RollCallEntry.objects.get(roll_call=rc, person=residents[0]).result == "NOT_YET_CHECKED"
