"""Import and export pages as a clerk and a protection officer use them."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.conftest import member
from tests.signin import sign_in

from asylon.registry import services as registry
from asylon.registry.models import Person
from asylon.reports.models import ImportRun, ImportStatus


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["Relationship", "Given name", "Family name", "Sex", "Date of birth"], *rows])
    return out.getvalue().encode()


def test_upload_check_decide_and_confirm(client, clerk, site_a):
    registry.register_household(actor=clerk, site=site_a, members=[member()])
    sign_in(client, clerk)
    assert client.get(reverse("imports:list")).status_code == 200
    body = _csv([["PA", "Dariush", "Tehranifar", "M", "1980-03-01"], ["PA", "Mina", "Farzin", "F", "1991-05-05"]])
    response = client.post(
        reverse("imports:upload"), {"site": "AAA", "file": SimpleUploadedFile("list.csv", body, "text/csv")}
    )
    dry = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[dry.pk])
    page = client.get(response["Location"]).content.decode()
    dry.refresh_from_db()
    assert "Rows that resemble persons already registered" in page and "Import now" in page
    assert Person.objects.count() == 1

    existing = Person.objects.get()
    response = client.post(reverse("imports:confirm", args=[dry.pk]), {"decision-2": existing.reference})
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert real.status == ImportStatus.COMMITTED, real.errors
    assert (real.linked, real.created) == (1, 1)
    assert Person.objects.count() == 2
    assert client.get(reverse("imports:progress", args=[real.pk])).json()["status"] == "COMMITTED"
    assert "list.csv" in client.get(reverse("imports:list")).content.decode()


def test_a_file_with_problems_lists_them_and_offers_no_confirmation(client, clerk, site_a):
    sign_in(client, clerk)
    body = _csv([["PA", "", "Tehranifar", "M", "not a date"]])
    client.post(reverse("imports:upload"), {"site": "AAA", "file": SimpleUploadedFile("bad.csv", body)})
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "row 2, Given name: A given name is required." in page
    assert "row 2, Date of birth: Not a date" in page
    assert "Import now" not in page
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404


def test_a_run_of_another_site_is_not_found(client, make_user, clerk, site_a, site_b):
    sign_in(client, clerk)
    client.post(reverse("imports:upload"), {"site": "AAA", "file": SimpleUploadedFile("a.csv", _csv([]))})
    other = make_user("registration_clerk", sites=[site_b], username="clerk-b")
    assert sign_in(client, other).get(reverse("imports:run", args=[ImportRun.objects.get().pk])).status_code == 404


def test_the_export_page_sends_a_recorded_file(client, protection_officer, household):
    sign_in(client, protection_officer)
    assert client.get(reverse("reports:exports")).status_code == 200
    response = client.post(
        reverse("reports:exports"), {"site": "AAA", "kind": "persons", "format": "csv", "purpose": "Check"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("Reference,Household")
    refused = client.post(reverse("reports:exports"), {"site": "AAA", "kind": "persons", "format": "csv"})
    assert refused.status_code == 422 and "State the purpose" in refused.content.decode()
    hxl = client.post(reverse("reports:exports"), {"site": "AAA", "kind": "households-by-block", "format": "csv"})
    assert "#population+hh" in hxl.content.decode()


def test_the_counts_of_an_import_read_in_the_users_digits(client, clerk, site_a):
    from asylon.accounts.models import User

    User.objects.filter(pk=clerk.pk).update(language="fa")
    sign_in(client, clerk)
    body = _csv([["PA", "Dariush", "Tehranifar", "M", "1980-03-01"], ["PA", "Mina", "Farzin", "F", "1991-05-05"]])
    client.post(reverse("imports:upload"), {"site": "AAA", "file": SimpleUploadedFile("list.csv", body, "text/csv")})
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "<td>۲</td>" in page and "<td>2</td>" not in page  # two rows, two persons to register
    listing = client.get(reverse("imports:list")).content.decode()
    assert "<td>۲</td>" in listing and "<td>2</td>" not in listing
