"""Protection document pages: a resident's papers (issue, reissue, print, withdraw) and the
public verification page a checkpoint opens on a phone, which works with no network.

Parse, call one service, render (core.edges). Withdrawing a paper cannot be undone: the first
POST shows what will change in #confirm-summary, only a POST with confirm=yes withdraws.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asylon.audit import services as audit
from asylon.core.confirm import CONFIRM, confirmed
from asylon.core.edges import errors_onto, or_404, require
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.status.models import DeterminationMode, LegalStatus

from . import pdf, queries, services, signing
from .forms import IssueForm, WithdrawForm
from .models import DocumentKind

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "asylon"


@login_required
@require_http_methods(["GET", "POST"])
def person_documents(request: AuthedRequest, reference: str) -> HttpResponse:
    person = or_404(registry_queries.get_person, request.user, reference)
    require(request, "documents.view_protectiondocument", person)
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        require(request, "documents.add_protectiondocument", person)
        if form.is_valid():
            with errors_onto(form) as outcome:
                doc = services.issue_document(actor=request.user, person=person, **form.cleaned_data)
            if outcome.ok:
                messages.success(
                    request, _("%(doc)s issued. Print it and hand it to the resident.") % {"doc": doc.reference}
                )
                return redirect("documents:person_documents", reference=person.reference)
    services.withdraw_invalidated()
    ctx = {
        "person": person,
        "documents": queries.documents_of(request.user, person),
        "form": form,
        "may_issue": request.user.has_perm("documents.add_protectiondocument"),
    }
    return render(request, "documents/person_documents.html", ctx, status=422 if form.errors else 200)


@login_required
@require_GET
def document_pdf(request: AuthedRequest, reference: str) -> HttpResponse:
    doc = or_404(queries.get_document, request.user, reference)
    body = pdf.render_pdf(doc)
    with transaction.atomic():
        audit.record(request.user, "document.printed", doc)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.reference}.pdf"'
    return response


@login_required
@require_POST
def document_withdraw(request: AuthedRequest, reference: str) -> HttpResponse:
    doc = or_404(queries.get_document, request.user, reference)
    require(request, "documents.withdraw_protectiondocument", doc)
    form = WithdrawForm(request.POST)
    if form.is_valid() and confirmed(request):
        with errors_onto(form) as outcome:
            services.withdraw_document(actor=request.user, document=doc, reason=form.cleaned_data["reason"])
        if outcome.ok:
            messages.success(
                request, _("%(doc)s withdrawn. Checkpoints see it once their phones sync.") % {"doc": doc.reference}
            )
            return redirect("documents:person_documents", reference=doc.person.reference)
    ctx = {"doc": doc, "form": form, "confirm": CONFIRM}
    return render(request, "documents/withdraw_confirm.html", ctx, status=422 if form.errors else 200)


# --- the public verification page: no login, no personal data, works offline ----------------


@require_GET
def verify_page(request: HttpRequest) -> HttpResponse:
    labels = {
        "kinds": {k: str(v) for k, v in DocumentKind.choices},
        "statuses": {k: str(v) for k, v in LegalStatus.choices},
        "bases": {k: str(v) for k, v in DeterminationMode.choices},
    }
    return render(request, "documents/verify.html", {"labels": labels})


@never_cache
@require_GET
def verify_keys(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": signing.published_keys()})


@never_cache
@require_GET
def verify_revoked(request: HttpRequest) -> JsonResponse:
    return JsonResponse(services.revocation_list())


@require_GET
def verify_service_worker(request: HttpRequest) -> HttpResponse:
    """The offline worker, served from /verify/ so that its scope covers the page and its lists."""
    response = HttpResponse((STATIC_DIR / "verify-sw.js").read_bytes(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/verify/"
    response["Cache-Control"] = "no-cache"
    return response
