"""Import pages: upload a file, see the dry run's report (what each row will do, every problem
by row and column), settle probable duplicates, confirm, follow the progress, list past imports.

The work is a background task (`reports.tasks.run_import`, run by `asylon worker`; at once
under the immediate backend, as in tests), and the run's page refreshes itself while it runs
(meta refresh: no script needed).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asylon.core.edges import or_404
from asylon.core.listing import listing
from asylon.core.types import Actor, AuthedRequest
from asylon.registry.models import Site

from ..models import ImportRun, ImportStatus
from ..tasks import run_import
from . import queries
from .mapping import HEAD_VALUES, SHAPES, Roster
from .services import as_seen, begin_import, read_progress
from .tally import Problem

SUFFIXES = (".csv", ".xlsx", ".zip")


def _sites(request: AuthedRequest) -> list[Site]:
    sites = queries.import_sites(request.user)
    if not sites:
        raise Http404
    return sites


PERM = queries.PERM


class UploadForm(forms.Form):
    fields: dict[str, Any]  # choices and querysets are set per request, in __init__
    site = forms.ChoiceField(label=gettext_lazy("Site"))
    file = forms.FileField(label=gettext_lazy("File (.csv, .xlsx or .zip of CSV files)"))
    source = forms.CharField(
        label=gettext_lazy("Source (its column mapping is saved under this name)"), required=False, max_length=100
    )
    roster = forms.ChoiceField(
        label=gettext_lazy("Household roster (files with repeat groups)"),
        required=False,
        choices=[("", gettext_lazy("as saved for the source, or detected from the columns")), *SHAPES.items()],
    )
    head_values = forms.CharField(
        label=gettext_lazy("Relationship values that mean the head (comma-separated)"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Only with the head among the repeat rows; empty for head, self, principal applicant…"),
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, str(s)) for s in sites]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Use a .csv, .xlsx or .zip file."))
        return upload

    def declared_roster(self) -> dict | None:
        """The roster shape the person chose, None to keep the saved or detected one."""
        shape = self.cleaned_data.get("roster")
        if not shape:
            return None
        heads = [v.strip() for v in self.cleaned_data.get("head_values", "").split(",") if v.strip()]
        return {"shape": shape, "head_values": heads or list(HEAD_VALUES)}


def _stored(upload) -> Path:
    """Keep the upload under the data dir, named by its checksum, until the import is committed."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = folder / f"upload-{uuid.uuid4().hex}.part"
    with tmp.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    path = folder / f"{digest.hexdigest()}{Path(upload.name).suffix.lower()}"
    tmp.replace(path)
    path.chmod(0o600)
    return path


def _start(
    run: ImportRun, actor: Actor, path: Path, source: str | None, decisions: dict[str, str], roster: dict | None = None
) -> None:
    """Enqueue the recorded run. `begin_import` has committed it (a view runs outside any
    transaction), so the worker finds the row it is given."""
    run_import.enqueue(
        run_id=run.pk, actor_id=actor.pk, path=str(path), source=source or "", decisions=decisions, roster=roster
    )


@login_required
@require_GET
def import_list(request: AuthedRequest) -> HttpResponse:
    sites = _sites(request)
    return render(request, "imports/list.html", {"form": UploadForm(sites=sites), **_runs(request, sites)})


IMPORT_SORTS = {
    "started": ["started_at"],
    "site": ["site__code"],
    "file": ["file_name"],
    "status": ["status"],
    "rows": ["rows"],
}


def _runs(request: AuthedRequest, sites) -> dict:
    """The past imports, a page at a time, each as a reader should see it (`as_seen`)."""
    rows = listing(request, queries.runs_at(sites), IMPORT_SORTS, default="-started")
    return {"listing": rows, "runs": as_seen(rows.page)}


@login_required
@require_POST
def import_upload(request: AuthedRequest) -> HttpResponse:
    sites = _sites(request)
    form = UploadForm(request.POST, request.FILES, sites=sites)
    if not form.is_valid():
        return render(request, "imports/list.html", {"form": form, **_runs(request, sites)}, status=422)
    site = next(s for s in sites if s.code == form.cleaned_data["site"])
    upload = form.cleaned_data["file"]
    path = _stored(upload)
    run = or_404(begin_import, actor=request.user, site=site, path=path, file_name=Path(upload.name).name)
    _start(run, request.user, path, form.cleaned_data.get("source"), {}, form.declared_roster())
    return redirect("imports:run", pk=run.pk)


def _run_or_404(request: AuthedRequest, pk: int) -> ImportRun:
    """The run, read as interrupted when its worker is gone."""
    return as_seen([or_404(queries.get_run, request.user, pk)])[0]


def _stored_path(run: ImportRun) -> Path | None:
    folder = Path(settings.DATA_DIR) / "imports"
    found = [folder / f"{run.sha256}{s}" for s in SUFFIXES if (folder / f"{run.sha256}{s}").is_file()]
    return found[0] if found else None


@login_required
@require_GET
def import_run(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    progress = read_progress(run.pk) if run.status == ImportStatus.RUNNING else {}
    context = {
        "run": run,
        "progress": progress,
        "problems": [str(Problem(**e)) for e in run.errors],
        "decide": [o for o in run.outcomes if o["action"] == "decide"],
        "changes": [o for o in run.outcomes if o["action"] != "decide"],
        "may_confirm": run.status == ImportStatus.DRY_RUN and not run.error_count and _stored_path(run) is not None,
        "more_problems": max(run.error_count - len(run.errors), 0),
        "roster": Roster.from_dict(run.roster),
        "mapped": [(header, target) for header, target in run.mapping.items() if target],
    }
    return render(request, "imports/run.html", context)


@login_required
@require_GET
def import_progress(request: AuthedRequest, pk: int) -> JsonResponse:
    run = _run_or_404(request, pk)
    return JsonResponse({"status": run.status, **read_progress(run.pk)})


@login_required
@require_http_methods(["POST"])
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    path = _stored_path(run)
    if run.status != ImportStatus.DRY_RUN or run.error_count or path is None:
        raise Http404
    decisions = {}
    for outcome in run.outcomes:
        if outcome["action"] == "decide":
            choice = request.POST.get(f"decision-{outcome['row']}", "")
            allowed = {"new", *(c["reference"] for c in outcome["candidates"])}
            if choice in allowed:
                decisions[outcome["row"]] = choice
    real = begin_import(actor=request.user, site=run.site, path=path, file_name=run.file_name, dry_run=False)
    # The real run reads the file as its check did: the same roster shape, declared or not.
    _start(real, request.user, path, run.source.name if run.source else None, decisions, run.roster or None)
    return redirect("imports:run", pk=real.pk)
