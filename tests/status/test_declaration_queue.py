"""A declaration over a large group (or its revocation) runs on the queue once confirmed: the
job reads "queued" until a worker takes it, then names the declaration and its counts; a
failed one shows its error and wrote nothing (one transaction)."""

from __future__ import annotations

import re

import pytest
from tests.signin import sign_in

from asylon.core.models import Job, JobStatus
from asylon.status import declarations
from asylon.status.models import GroupDeclaration, StatusEntry
from asylon.status.tasks import declare_group_job

FORM = {
    "site": "AAA",
    "nationality": "IR",
    "cutoff_kind": "REGISTRATION",
    "cutoff_date": "2013-01-01",
    "effective_on": "2013-02-01",
    "legal_basis": "1951_CONV",
    "recognised_by": "UNHCR",
    "legal_basis_text": "Prima facie (synthetic).",
}


@pytest.fixture
def large(monkeypatch, settings, tmp_path):
    """Every group counts as large: the family's three go on the queue."""
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(declarations, "QUEUE_ABOVE", 0)
    monkeypatch.setattr("asylon.status.views.QUEUE_ABOVE", 0)


def confirm(client) -> object:
    body = client.post("/declarations/new/", {**FORM, "preview": "1"}).content.decode()
    previewed = re.search(r'name="previewed" value="(\w+)"', body).group(1)
    return client.post("/declarations/new/", {**FORM, "previewed": previewed, "confirm": "yes"})


def test_a_large_declaration_waits_queued_then_applies(client, protection_officer, family, large, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(client, protection_officer)
    r = confirm(client)
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.QUEUED and job.total == 3 and not GroupDeclaration.objects.exists()
    page = client.get(r["Location"]).content.decode()
    assert 'data-status="QUEUED"' in page and 'href="/declarations/"' in page

    assert declare_group_job.call(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    declaration = GroupDeclaration.objects.get()
    assert job.result == {"declaration": declaration.pk, "applied": 3, "skipped": 0}

    # Its revocation, confirmed, goes on the queue too (immediate backend: done at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    r = client.post(f"/declarations/{declaration.pk}/revoke/", {"reason": "Issued in error.", "confirm": "yes"})
    revocation = Job.objects.get(kind="group_revocation")
    assert r["Location"] == f"/jobs/{revocation.pk}/" and revocation.status == JobStatus.DONE
    assert GroupDeclaration.objects.get().reverted_count == 3


def test_a_failed_declaration_shows_its_error_and_wrote_nothing(client, protection_officer, family, large, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(declarations, "insert_select", broken)
    sign_in(client, protection_officer)
    r = confirm(client)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error == "RuntimeError: the database went away"
    assert not GroupDeclaration.objects.exists() and not StatusEntry.objects.filter(declaration__isnull=False).exists()
    page = client.get(r["Location"]).content.decode()
    assert 'data-status="FAILED"' in page and "the database went away" in page
