"""One tap must not record a death: a mark is reviewed before it counts.

A roll call's marks are observations. Closing shows what it will change and asks for
confirmation; a death or a disappearance reaches the register and the incident's figures
only once protection officers confirm it (two different ones for a death); any presence can
be corrected on the person's page with a reason, and the casualty figure follows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from tests.incidents.conftest import register_residents
from tests.signin import sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.errors import Conflict, InvalidInput, NotPermitted
from asylon.incidents import reviews, rollcall
from asylon.incidents.models import AffectedPerson, Incident, PresenceReview, RollCall
from asylon.registry import services as registry
from asylon.registry.models import Person

RESULTS = ["ACCOUNTED_SAFE", "INJURED", "DECEASED", "MISSING", "NOT_FOUND"]


@pytest.fixture
def residents(clerk, site_a, unit_a):
    return register_residents(clerk, site_a, unit_a, ["Ava", "Behrouz", "Camran", "Dina", "Elham", "Farid"])


@pytest.fixture
def second_officer(make_user):
    return make_user(Role.PROTECTION_OFFICER, username="officer2")


@pytest.fixture
def attack(officer, report):
    return report(officer, kind="ARMED_ATTACK", severity=4, killed=0, injured=3)


def presence(person) -> str:
    return Person.objects.get(pk=person.pk).presence


def figures(incident) -> tuple[int, int, int]:
    incident = Incident.objects.get(pk=incident.pk)
    return incident.killed, incident.injured, incident.missing


def marked_roll_call(officer, monitor, site, incident, residents) -> RollCall:
    """A roll call on the attack where Camran is marked dead, Dina missing and Elham not found."""
    rc = rollcall.start_roll_call(actor=officer, site=site, incident=incident)
    now = timezone.now()
    marks = [
        rollcall.Mark(person=p.reference, result=r, marked_at=now + timedelta(seconds=i), client_id=f"c{i}")
        for i, (p, r) in enumerate(zip(residents, RESULTS, strict=False))
    ]
    rollcall.mark_persons(actor=monitor, roll_call=rc, marks=marks)
    return rc


def review_of(rc, person) -> PresenceReview:
    return PresenceReview.objects.get(roll_call=rc, person=person)


def test_closing_changes_no_presence_and_no_casualty_figure(officer, monitor, site_a, residents, attack):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    assert [presence(p) for p in residents] == ["PRESENT"] * 6
    assert figures(attack) == (0, 3, 0)
    assert not AuditEvent.objects.filter(action__startswith="person.presence").exists()
    waiting = {(r.person.given_name, r.observed, r.proposed, r.state) for r in PresenceReview.objects.all()}
    assert waiting == {
        ("Camran", "DECEASED", "DECEASED", "PENDING"),
        ("Dina", "MISSING", "MISSING", "PENDING"),
        ("Elham", "NOT_FOUND", "MISSING", "PENDING"),
    }
    rc.refresh_from_db()
    assert rc.state == "CLOSED" and rc.report["unaccounted"] == 3
    with pytest.raises(Conflict):
        rollcall.close_roll_call(actor=officer, roll_call=rc)
    # The next roll call still expects every one of them: nothing is confirmed.
    later = rollcall.start_roll_call(actor=officer, site=site_a)
    assert later.entries.count() == 6


def test_one_officer_cannot_confirm_a_death_alone(officer, monitor, site_a, residents, attack):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    with pytest.raises(InvalidInput) as no_source:
        reviews.confirm_review(actor=officer, review=review_of(rc, camran))
    assert list(no_source.value.errors) == ["source"]
    first = reviews.confirm_review(actor=officer, review=review_of(rc, camran), source="Body identified at the clinic")
    assert first.state == "AWAITING_SECOND"
    with pytest.raises(Conflict) as twice:
        reviews.confirm_review(actor=officer, review=review_of(rc, camran))
    assert twice.value.code == "same_reviewer" and "second protection officer" in twice.value.message
    assert presence(camran) == "PRESENT"
    assert figures(attack) == (0, 3, 0)
    assert review_of(rc, camran).state == "AWAITING_SECOND"


def test_a_field_monitor_cannot_confirm(officer, monitor, site_a, residents, attack):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    with pytest.raises(NotPermitted):
        reviews.confirm_review(actor=monitor, review=review_of(rc, residents[3]))
    assert presence(residents[3]) == "PRESENT"


def test_two_officers_confirm_a_death_and_the_register_and_casualties_change(
    officer, second_officer, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    reviews.confirm_review(actor=officer, review=review_of(rc, camran), source="Hospital record 17")
    done = reviews.confirm_review(actor=second_officer, review=review_of(rc, camran))
    assert (done.state, done.first_by, done.second_by) == ("CONFIRMED", officer, second_officer)
    assert presence(camran) == "DECEASED"
    assert figures(attack) == (1, 3, 0)
    assert AffectedPerson.objects.get(incident=attack, person=camran).harm == "KILLED"
    event = AuditEvent.objects.get(action="person.presence_confirmed_from_roll_call")
    assert (event.object_ref, event.changes["presence"]) == (camran.reference, ["PRESENT", "DECEASED"])
    # Confirmed dead, Camran is no longer expected in a later roll call.
    later = rollcall.start_roll_call(actor=officer, site=site_a)
    assert camran.pk not in set(later.entries.values_list("person_id", flat=True))
    with pytest.raises(Conflict):
        reviews.confirm_review(actor=second_officer, review=review_of(rc, camran))


def test_one_officer_confirms_a_disappearance_and_a_rejection_leaves_the_register(
    officer, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    dina, elham = residents[3], residents[4]
    reviews.confirm_review(actor=officer, review=review_of(rc, dina))
    assert presence(dina) == "MISSING"
    assert figures(attack) == (0, 3, 1)
    with pytest.raises(InvalidInput) as no_reason:
        reviews.reject_review(actor=officer, review=review_of(rc, elham), reason=" ")
    assert list(no_reason.value.errors) == ["reason"]
    reviews.reject_review(actor=officer, review=review_of(rc, elham), reason="Found at her sister's unit")
    assert presence(elham) == "PRESENT"
    assert review_of(rc, elham).state == "REJECTED"
    assert figures(attack) == (0, 3, 1)


def test_a_corrected_death_restores_presence_in_the_trail_and_the_casualties_follow(
    officer, second_officer, clerk, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    reviews.confirm_review(actor=officer, review=review_of(rc, camran), source="Witness in block 1")
    reviews.confirm_review(actor=second_officer, review=review_of(rc, camran))
    assert figures(attack) == (1, 3, 0)
    with pytest.raises(InvalidInput) as no_reason:
        registry.correct_presence(actor=officer, person=camran, presence="PRESENT", reason="")
    assert list(no_reason.value.errors) == ["reason"]
    with pytest.raises(NotPermitted):
        registry.correct_presence(actor=clerk, person=camran, presence="PRESENT", reason="Seen alive")
    assert presence(camran) == "DECEASED"
    registry.correct_presence(actor=officer, person=camran, presence="PRESENT", reason="Seen alive at the clinic")
    assert presence(camran) == "PRESENT"
    event = AuditEvent.objects.get(action="person.presence_corrected")
    assert (event.object_ref, event.changes["presence"], event.reason) == (
        camran.reference,
        ["DECEASED", "PRESENT"],
        "Seen alive at the clinic",
    )
    assert figures(attack) == (0, 3, 0)
    followed = AuditEvent.objects.get(action="incident.casualties_followed_register", changes__killed=[1, 0])
    assert followed.object_ref == attack.reference


def test_a_reported_figure_is_kept_when_the_register_confirms_fewer(
    officer, second_officer, monitor, site_a, residents, report
):
    attack = report(officer, kind="ARMED_ATTACK", severity=4, killed=2)
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    reviews.confirm_review(actor=officer, review=review_of(rc, camran), source="Hospital record 17")
    reviews.confirm_review(actor=second_officer, review=review_of(rc, camran))
    registry.correct_presence(actor=officer, person=camran, presence="PRESENT", reason="Seen alive")
    assert figures(attack)[0] == 2


def test_the_database_refuses_one_person_confirming_a_death_twice(officer, monitor, site_a, residents, attack):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    review = reviews.confirm_review(actor=officer, review=review_of(rc, residents[2]), source="Witness")
    with pytest.raises(IntegrityError), transaction.atomic():
        PresenceReview.objects.filter(pk=review.pk).update(second_by=officer, state="CONFIRMED")
    with pytest.raises(IntegrityError), transaction.atomic():
        PresenceReview.objects.filter(pk=review.pk).update(state="CONFIRMED")
    assert review_of(rc, residents[2]).state == "AWAITING_SECOND"


# --- the pages ----------------------------------------------------------------------------------


def page_client(user) -> Client:
    return sign_in(Client(), user)


def test_the_close_page_shows_what_will_change_and_a_get_or_an_unconfirmed_post_does_nothing(
    officer, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    browser = page_client(officer)
    url = f"/incidents/roll-calls/{rc.pk}/close/"
    page = browser.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 of 6 persons are still unaccounted for." in text
    assert "Camran" in text and "Dina" in text and "Elham" in text
    assert "Ava" not in text  # accounted safe: nothing to review
    assert "Close with 3 unaccounted" in text
    unconfirmed = browser.post(url, {})
    assert unconfirmed.status_code == 400 and "confirm below" in unconfirmed.content.decode()
    rc.refresh_from_db()
    assert rc.state == "OPEN" and not PresenceReview.objects.exists()
    assert browser.post(url, {"confirm": "yes"}).status_code == 302
    rc.refresh_from_db()
    assert rc.state == "CLOSED" and PresenceReview.objects.count() == 3
    assert [presence(p) for p in residents] == ["PRESENT"] * 6


def test_two_officers_confirm_a_death_on_the_pages(officer, second_officer, monitor, site_a, residents, attack):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    review = review_of(rc, camran)
    first, second = page_client(officer), page_client(second_officer)
    before = first.get(f"/incidents/{attack.reference}/").content.decode()
    assert "killed 0, injured 3, missing 0" in before
    assert "seen in roll calls, awaiting review: 3" in before
    report = first.get(f"/incidents/roll-calls/{rc.pk}/report/").content.decode()
    assert "Camran" in report and "Confirm the death (first of two)" in report
    confirm = f"/incidents/roll-calls/reviews/{review.pk}/confirm/"
    assert first.post(confirm, {"source": "Body identified", "next": "report"}).status_code == 302
    again = first.post(confirm, {"next": "report"}, follow=True).content.decode()
    assert "a second protection officer must confirm" in again
    assert presence(camran) == "PRESENT"
    queue = second.get("/incidents/roll-calls/reviews/").content.decode()
    assert "Camran" in queue and "Confirmed first by officer" in queue and "Body identified" in queue
    assert second.post(confirm, {"next": "queue"}).status_code == 302
    assert presence(camran) == "DECEASED"
    detail = second.get(f"/incidents/{attack.reference}/").content.decode()
    assert "killed 1, injured 3, missing 0" in detail
    assert "awaiting review: 2" in detail
    person_page = second.get(f"/persons/{camran.reference}/").content.decode()
    assert "deceased" in person_page


def test_the_presence_is_corrected_on_the_persons_page_with_a_reason(
    officer, second_officer, clerk, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    camran = residents[2]
    reviews.confirm_review(actor=officer, review=review_of(rc, camran), source="Witness")
    reviews.confirm_review(actor=second_officer, review=review_of(rc, camran))
    url = f"/persons/{camran.reference}/presence/"
    assert page_client(clerk).get(url).status_code == 404
    browser = page_client(officer)
    no_reason = browser.post(url, {"presence": "PRESENT", "reason": ""})
    assert no_reason.status_code == 200 and "This field is required." in no_reason.content.decode()
    assert presence(camran) == "DECEASED"
    done = browser.post(url, {"presence": "PRESENT", "reason": "Seen alive at the clinic"})
    assert done.status_code == 302
    assert presence(camran) == "PRESENT"
    detail = browser.get(f"/incidents/{attack.reference}/").content.decode()
    assert "killed 0, injured 3, missing 0" in detail


def test_the_report_offers_a_protection_case_for_the_injured_and_the_missing_to_officers_only(
    officer, monitor, site_a, residents, attack
):
    rc = marked_roll_call(officer, monitor, site_a, attack, residents)
    rollcall.close_roll_call(actor=officer, roll_call=rc)
    url = f"/incidents/roll-calls/{rc.pk}/report/"
    page = page_client(officer).get(url).content.decode()
    for person in residents[1], residents[3], residents[4]:  # injured, missing, not found
        entry = rc.entries.get(person=person)
        assert f'href="/cases/new/?mark={entry.pk}"' in page
    dead = rc.entries.get(person=residents[2])
    assert f"?mark={dead.pk}" not in page
    assert page.count("Open a protection case") == 3
    # A field monitor marks but opens no case: the report, if it shows at all, has no such link.
    seen_by_monitor = page_client(monitor).get(url).content.decode()
    assert "Open a protection case" not in seen_by_monitor and "/cases/new/" not in seen_by_monitor
