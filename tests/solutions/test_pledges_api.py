"""The API keeps what each country pledges through the same services as the rest of
resettlement: a resettlement officer records a country and its pledge for a year and changes
it with a reason; whoever reads countries sees, for each pledge, the places used and left,
counted as the departure's confirmation page counts them."""

from __future__ import annotations

import pytest
from tests.signin import bearer

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.sharing import services as sharing_services
from asylon.solutions import pledges, queries, services

from .conftest import to_stage

BASE = "/api/v1/receiving-countries"
YEAR = today().year


def call(client, user, method, url, body=None):
    headers = bearer(user, name=f"{user.get_username()}-{method}")
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def errors(response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in response.json()["detail"]:
        out.setdefault(e["loc"][-1], []).append(e["msg"])
    return out


def test_a_pledge_shows_the_places_used_and_left_as_the_departure_page_counts_them(
    client, rso, po, po2, albania, family
):
    r = call(client, rso, "post", f"{BASE}/AL/pledges", {"year": YEAR, "places": 10, "categories": ["LPP", "SVT"]})
    assert r.status_code == 201, r.content
    assert (r.json()["places"], r.json()["places_used"], r.json()["places_left"]) == (10, 0, 10)
    call(client, rso, "post", f"{BASE}/AL/pledges", {"year": YEAR + 1, "places": 30})

    gone = services.open_case(actor=rso, household=family(2), primary_category="LPP")
    to_stage(rso, gone, "DEPARTED", country=albania, po=po, po2=po2)  # 2 persons left this year
    waiting = services.open_case(actor=rso, household=family(3), primary_category="LPP")
    to_stage(rso, waiting, "ACCEPTED", country=albania)  # 3 persons accepted: they hold a place

    body = call(client, po, "get", f"{BASE}/AL").json()
    assert (body["country"], body["name"], body["recipient_name"]) == ("AL", "Albania", "Delegation AL")
    this_year, next_year = body["pledges"]
    assert this_year == {
        "country": "AL",
        "year": YEAR,
        "places": 10,
        "places_used": 5,
        "places_left": 5,
        "categories": ["LPP", "SVT"],
        "max_family_size": None,
        "takes_medical_cases": True,
        "criteria": "",
        "recorded_at": this_year["recorded_at"],
    }
    # Next year's places are all still there: those accepted now take this year's.
    assert (next_year["year"], next_year["places_used"], next_year["places_left"]) == (YEAR + 1, 0, 30)
    # The departure's confirmation counts the same places.
    assert queries.departure_summary(rso, waiting).pledge.remaining == this_year["places_left"]
    listing = call(client, rso, "get", BASE).json()
    assert [c["country"] for c in listing] == ["AL"]
    assert listing[0]["pledges"] == body["pledges"]


def test_a_pledge_is_changed_only_with_a_reason_and_the_trail_keeps_what_it_was(client, rso, albania):
    pledges.record_pledge(actor=rso, country=albania, year=YEAR, places=120, max_family_size=8)
    url = f"{BASE}/AL/pledges/{YEAR}"

    r = call(client, rso, "patch", url, {"places": 150})
    assert r.status_code == 422 and "reason" in errors(r)
    r = call(client, rso, "patch", url, {"places": 150, "reason": "", "categories": ["NOPE"]})
    assert r.status_code == 422 and set(errors(r)) == {"reason", "categories"}

    r = call(client, rso, "patch", url, {"places": 150, "max_family_size": None, "reason": "Quota raised by letter"})
    assert r.status_code == 200, r.content
    assert (r.json()["places"], r.json()["max_family_size"], r.json()["places_left"]) == (150, None, 150)
    event = AuditEvent.objects.get(action="resettlement.pledge_changed")
    assert event.changes == {"year": YEAR, "places": [120, 150], "max_family_size": [8, None]}
    assert event.reason == "Quota raised by letter"

    # Sending what is already there changes nothing and writes nothing.
    r = call(client, rso, "patch", url, {"places": 150, "reason": "Again"})
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="resettlement.pledge_changed").count() == 1
    # A field sent as null that cannot be null is refused, not taken as "leave it".
    r = call(client, rso, "patch", url, {"places": None, "reason": "Oops"})
    assert r.status_code == 422 and "places" in errors(r)


def test_a_country_pledges_once_a_year_and_at_least_one_place(client, rso, albania):
    assert call(client, rso, "post", f"{BASE}/AL/pledges", {"year": YEAR, "places": 5}).status_code == 201
    r = call(client, rso, "post", f"{BASE}/AL/pledges", {"year": YEAR, "places": 0})
    assert r.status_code == 422 and set(errors(r)) == {"year", "places"}
    assert call(client, rso, "post", f"{BASE}/XK/pledges", {"year": YEAR, "places": 5}).status_code == 404
    assert call(client, rso, "patch", f"{BASE}/AL/pledges/{YEAR - 1}", {"reason": "x"}).status_code == 404


def test_a_country_is_recorded_with_its_delegation_and_only_a_resettlement_country_one(client, po, rso):
    delegation = sharing_services.create_recipient(
        actor=po, name="Delegation CA", kind="RESETTLEMENT_COUNTRY", country="CA"
    )
    ngo = sharing_services.create_recipient(actor=po, name="Legal aid", kind="NGO")
    r = call(client, rso, "post", BASE, {"country": "CA", "selection_mode": "INTERVIEW", "recipient": ngo.pk})
    assert r.status_code == 422 and "recipient" in errors(r)
    r = call(client, rso, "post", BASE, {"country": "ca", "selection_mode": "INTERVIEW", "recipient": delegation.pk})
    assert r.status_code == 201, r.content
    assert r.json() | {"pledges": []} == {
        "country": "CA",
        "name": "Canada",
        "selection_mode": "INTERVIEW",
        "active": True,
        "recipient": delegation.pk,
        "recipient_name": "Delegation CA",
        "notes": "",
        "pledges": [],
    }
    r = call(client, rso, "post", BASE, {"country": "CA", "selection_mode": "DOSSIER"})
    assert r.status_code == 422 and "country" in errors(r)


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        (Role.RESETTLEMENT_OFFICER, 200, 201),
        (Role.PROTECTION_OFFICER, 200, 403),
        (Role.PARTNER, 403, 403),
        (Role.ADMINISTRATOR, 403, 403),
    ],
)
def test_resettlement_officers_record_pledges_and_protection_officers_read_them(
    client, make_user, albania, role, reads, writes
):
    user = make_user(role, username=f"pledges-{role}")
    assert call(client, user, "get", f"{BASE}/AL").status_code == reads
    r = call(client, user, "post", f"{BASE}/AL/pledges", {"year": YEAR, "places": 3})
    assert r.status_code == writes
    if writes == 403:
        assert r.json()["code"] == "not_permitted"
