"""The pages of a household's life: a birth recorded from the page, a split that shows what
it will change before it is done, a death confirmed by a second officer after its preview."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from tests.signin import sign_in

from asylon.registry import life_events, queries


def test_a_birth_from_the_page_appears_in_the_history(client, clerk, household):
    mother = {m.person.given_name: m.person for m in queries.current_members(household)}["Parvaneh"]
    sign_in(client, clerk)
    url = reverse("registry:household_life", kwargs={"reference": household.reference})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "act": "birth",
            "birth-given_name": "Nika",
            "birth-sex": "F",
            "birth-date_of_birth": date.today().isoformat(),
            "birth-mother": mother.reference,
            "birth-reason": "Born at the clinic",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    history = client.get(response["Location"]).content.decode()
    assert "birth" in history and "Born at the clinic" in history


def test_a_split_asks_before_it_is_done(client, clerk, household):
    sara = {m.person.given_name: m.person for m in queries.current_members(household)}["Sara"]
    sign_in(client, clerk)
    url = reverse("registry:household_life", kwargs={"reference": household.reference})
    data = {"act": "split", "split-principal": sara.reference, "split-reason": "Own shelter"}
    preview = client.post(url, data)
    assert 'id="confirm-summary"' in preview.content.decode() and len(queries.current_members(household)) == 3
    done = client.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302 and len(queries.current_members(household)) == 2


def test_a_death_is_confirmed_on_its_page_by_a_second_officer(client, po, po2, household):
    sara = {m.person.given_name: m.person for m in queries.current_members(household)}["Sara"]
    sign_in(client, po)
    reported = client.post(
        reverse("registry:death_report", kwargs={"reference": sara.reference}),
        {"source": "CLINIC", "died_on": date.today().isoformat(), "note": "Clinic record"},
    )
    assert reported.status_code == 302
    client.logout()
    sign_in(client, po2)
    url = reported["Location"]
    preview = client.post(url, {"decision": "confirm", "reason": "Record seen"})
    assert 'id="confirm-summary"' in preview.content.decode()
    sara.refresh_from_db()
    assert sara.presence == "PRESENT"
    done = client.post(url, {"decision": "confirm", "reason": "Record seen", "confirm": "yes"})
    assert done.status_code == 302
    sara.refresh_from_db()
    assert sara.presence == "DECEASED"
    assert life_events.DeathReport.objects.get().state == "CONFIRMED"
