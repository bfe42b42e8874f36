"""Merging a pair from the review page: the reviewer picks the reference to keep (none is
picked for them), reads what will move, and only then merges (the confirmation convention)."""

from __future__ import annotations

import json

import pytest
from tests.confirm_page import asks_to_confirm, summary
from tests.html_text import select_options
from tests.matching.test_merge import twins  # noqa: F401  (fixture)
from tests.signin import bearer, sign_in

from asylon.matching.candidates import raise_candidate
from asylon.matching.models import Merge
from asylon.registry.models import Presence

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(twins):  # noqa: F811
    candidate, _ = raise_candidate(*twins, probability=0.97, match_weight=11.0, explanation={})
    return candidate


def test_the_review_page_keeps_no_reference_by_default(client, protection_officer, pair):
    page = sign_in(client, protection_officer).get(f"/persons/duplicates/{pair.pk}/").content.decode()
    options = select_options(page, "survivor")
    assert options[0].value == "" and not any(o.selected for o in options)


def test_merging_without_choosing_the_reference_is_refused(client, protection_officer, pair):
    sign_in(client, protection_officer)
    r = client.post(f"/persons/duplicates/{pair.pk}/", {"action": "merge", "note": "same man", "survivor": ""})
    assert "Choose the reference to keep." in r.content.decode() and not Merge.objects.exists()


def test_merging_shows_what_moves_then_merges_on_confirm(client, protection_officer, pair, twins):  # noqa: F811
    first_record, second_record = twins
    sign_in(client, protection_officer)
    post = {"action": "merge", "note": "same man", "survivor": second_record.reference}
    first = client.post(f"/persons/duplicates/{pair.pk}/", post)
    assert asks_to_confirm(first)
    # Each reference and name is isolated (bdi) for right-to-left pages; the reader joins them.
    text = summary(first).replace("( ", "(").replace(" )", ")")
    assert f"{first_record.reference} ({first_record.full_name}) is merged into {second_record.reference}" in text
    assert "memberships: 1" in text and "specific needs: 1" in text
    assert not Merge.objects.exists()
    first_record.refresh_from_db()
    assert first_record.presence == Presence.PRESENT

    done = client.post(f"/persons/duplicates/{pair.pk}/", {**post, "confirm": "yes"})
    assert done.status_code == 302
    merge = Merge.objects.get()
    assert (merge.survivor, merge.merged) == (second_record, first_record)


def test_the_api_merges_only_with_a_chosen_reference_and_confirm(client, protection_officer, pair, twins):  # noqa: F811
    first_record, second_record = twins
    headers = bearer(protection_officer)
    path = f"/api/v1/duplicates/{pair.pk}/decision"

    def send(body):
        return client.post(path, json.dumps(body), content_type="application/json", **headers)

    assert send({"decision": "MERGE", "reason": "same man"}).status_code == 422
    preview = send({"decision": "MERGE", "reason": "same man", "survivor": first_record.reference})
    assert preview.status_code == 409 and preview.json()["preview"]["merged"] == second_record.reference
    assert {"records": "memberships", "count": 1} in preview.json()["preview"]["moves"]
    assert not Merge.objects.exists()
    done = send({"decision": "MERGE", "reason": "same man", "survivor": first_record.reference, "confirm": True})
    assert done.status_code == 201 and done.json()["survivor"] == first_record.reference
