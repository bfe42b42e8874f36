"""The household form as a clerk types into it: Enter saves, the units come grouped by
block, and a refused form opens on a summary of every error, linked to its field."""

from __future__ import annotations

import re

import pytest
from tests.html_text import visible_text

from asylon.registry.models import Location


@pytest.fixture
def blocks(site_a, unit_a):
    """Block 1 (T01, from `unit_a`), Block 2 (T02, T10) and Block 10 (T01)."""
    b2 = Location.objects.create(site=site_a, kind="BLOCK", name="Block 2")
    b10 = Location.objects.create(site=site_a, kind="BLOCK", name="Block 10")
    Location.objects.create(site=site_a, kind="UNIT", name="T10", parent=b2)
    Location.objects.create(site=site_a, kind="UNIT", name="T02", parent=b2)
    return Location.objects.create(site=site_a, kind="UNIT", name="T01", parent=b10)


def optgroups(html: str, select_id: str) -> list[tuple[str, list[str]]]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        (label, re.findall(r"<option[^>]*>([^<]*)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    ]


def test_enter_in_any_field_registers_the_household(client, clerk, site_a):
    """A browser submits a form on Enter with its first submit button: it must be Register."""
    client.force_login(clerk)
    html = client.get("/households/new/").content.decode()
    form = html.split('<form method="post" class="stack"', 1)[1].split("</form>", 1)[0]
    buttons = re.findall(r'<button type="submit"[^>]*name="([^"]+)"', form)
    assert buttons == ["register", "add_member"]


def test_the_unit_select_is_grouped_by_block_in_natural_order(client, clerk, blocks):
    client.force_login(clerk)
    html = client.get("/households/new/").content.decode()
    assert optgroups(html, "id_unit") == [
        ("Block 1", ["T01"]),
        ("Block 2", ["T02", "T10"]),
        ("Block 10", ["T01"]),
    ]


def test_the_correction_form_groups_units_and_keeps_the_persons_unit(client, clerk, household, blocks):
    client.force_login(clerk)
    person = household.memberships.first().person
    html = client.get(f"/persons/{person.reference}/correct/").content.decode()
    assert [label for label, _units in optgroups(html, "id_unit")] == ["Block 1", "Block 2", "Block 10"]
    assert re.search(rf'<option value="{person.unit_id}" selected>T01</option>', html)


def test_a_refused_form_opens_on_a_summary_of_its_errors(client, clerk, site_a, unit_a):
    client.force_login(clerk)
    data = {
        "site": site_a.code,
        "unit": unit_a.pk,
        "arrival_date": "2012-02-30",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        "members-0-relationship": "PA",
        "members-0-sex": "F",
        "members-0-dob_precision": "EXACT",
        "register": "1",
    }
    html = client.post("/households/new/", data).content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert html.index('id="error-summary"') < html.index("<fieldset><legend>Household")
    opening = re.search(r'<div[^>]*id="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in opening and "autofocus" in opening
    text = visible_text(summary)
    assert "There are 2 problems with this form" in text
    assert "Arrival date: Enter a date as year/month/day, e.g. " in text
    assert "Member 1 · Given name: This field is required." in text
    assert 'href="#id_arrival_date"' in summary and 'href="#id_members-0-given_name"' in summary


def test_a_form_without_errors_has_no_summary(client, clerk):
    client.force_login(clerk)
    assert 'id="error-summary"' not in client.get("/households/new/").content.decode()
