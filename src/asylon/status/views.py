"""Legal-status pages: parse, call a service or query, render. No business rule here."""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.confirm import CONFIRM, carried, confirmed
from asylon.core.edges import errors_flashed, errors_onto, or_404, require
from asylon.core.listing import listing
from asylon.core.scope import can
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import previews, queries, services
from .declarations import QUEUE_ABOVE, large_group, start_declaration, start_revocation
from .forms import RENAME, CaseForm, DeclarationForm, DesignationForm, RevokeForm, StatusOnForm, step_data, step_form
from .models import RsdCase
from .transitions import RSD_CASE


@login_required
def person_status(request: AuthedRequest, reference: str) -> HttpResponse:
    person = or_404(registry_queries.get_person, request.user, reference)
    entries = or_404(queries.status_history, request.user, person)
    form = StatusOnForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() else None
    snapshot = queries.status_on(person, on)
    if on is None and not form.errors:
        form = StatusOnForm(initial={"on": snapshot.on})
    return render(
        request, "status/person_status.html", {"person": person, "entries": entries, "snap": snapshot, "form": form}
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    require(request, "status.view_rsdcase")
    queue = request.GET.get("queue", "mine" if request.user.has_perm("status.change_rsdcase") else "open")
    if queue not in queries.QUEUES:
        queue = "open"
    # The queue's own order is its default ("since"); the other columns re-sort it.
    rows = listing(request, queries.case_queue(request.user, queue), RSD_SORTS, default="since")
    for case in rows.page:
        case.late = queries.overdue_days(case)  # type: ignore[attr-defined]
    return render(request, "status/case_list.html", {"listing": rows, "queue": queue, "queues": queries.Queue.choices})


RSD_SORTS = {
    "reference": ["reference"],
    "applicant": ["applicant__family_name", "applicant__given_name"],
    "state": ["state"],
    "since": ["state_since"],
    "interview": ["interview_on"],
    "officer": ["assigned_officer__username"],
}


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: AuthedRequest) -> HttpResponse:
    require(request, "status.add_rsdcase")
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            applicant = registry_queries.person_named(request.user, form.cleaned_data["applicant"])
            dependants = [
                registry_queries.person_named(request.user, r) for r in form.cleaned_data["dependants"].split()
            ]
            case = services.register_rsd_case(
                actor=request.user,
                applicant=applicant,
                dependants=dependants,
                registered_on=form.cleaned_data["registered_on"],
                assigned_officer=request.user,
            )
        if outcome.ok:
            return redirect("status:case_detail", reference=case.reference)
    return render(request, "status/case_new.html", {"form": form})


def _case_page(request: AuthedRequest, case: RsdCase, forms=None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    can_step = can(request.user, "status.change_rsdcase", case)
    steps = []
    if can_step:
        steps = [forms.get(a) or step_form(a) for a in RSD_CASE.allowed_actions(case.state)]
    return render(
        request,
        "status/case_detail.html",
        {
            "case": case,
            "members": queries.case_members(case),
            "transitions": queries.case_transitions(case),
            "confidential": can(request.user, "status.view_rsd_confidential", case),
            "steps": steps,
            "late": queries.overdue_days(case),
        },
        status=status,
    )


@login_required
def case_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_page(request, or_404(queries.get_case, request.user, reference))


@login_required
@require_POST
def case_step(request: AuthedRequest, reference: str) -> HttpResponse:
    case = or_404(queries.get_case, request.user, reference)
    require(request, "status.change_rsdcase", case)
    action = request.POST.get("action", "")
    if action not in RSD_CASE.allowed_actions(case.state):
        messages.error(request, _("This step is not possible in the case's current state."))
        return redirect("status:case_detail", reference=reference)
    form = step_form(action, request.POST)
    if form.is_valid():
        on, data = form.cleaned_data.get("on"), step_data(form)
        consequence = or_404(previews.rsd_step, request.user, case, action, data, on)
        if consequence is not None and not confirmed(request):
            ctx = {"case": case, "step": consequence, "fields": carried(request), "confirm": CONFIRM}
            return render(request, "status/case_step_confirm.html", ctx)
        # The service names some fields as the API does; the form has its own names.
        inverse = {v: k for k, v in RENAME.items() if k in form.fields}
        with errors_onto(form, rename=inverse) as outcome:
            services.transition_rsd_case(actor=request.user, case=case, action=action, on=on, data=data)
        if outcome.ok:
            return redirect("status:case_detail", reference=reference)
    return _case_page(request, case, {action: form}, status=422)


@login_required
def declaration_list(request: AuthedRequest) -> HttpResponse:
    require(request, "status.view_groupdeclaration")
    return render(request, "status/declaration_list.html", {"declarations": queries.declarations_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def declaration_new(request: AuthedRequest) -> HttpResponse:
    require(request, "status.add_groupdeclaration")
    sites = list(registry_queries.sites_for(request.user))
    form = DeclarationForm(request.POST or None, sites=sites)
    preview, previewed = None, ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        criteria = queries.Criteria(
            site=next(s for s in sites if s.code == d["site"]),
            nationality=d["nationality"],
            cutoff_kind=d["cutoff_kind"],
            cutoff_date=d["cutoff_date"],
            ethnicity=d["ethnicity"],
        )
        previewed = _fingerprint(d)
        with errors_onto(form):
            if "confirm" in request.POST and request.POST.get("previewed") == previewed and large_group(criteria):
                # A large group: the same act, confirmed, runs on the queue; its page shows it.
                job = start_declaration(
                    actor=request.user,
                    criteria=criteria,
                    effective_on=d["effective_on"],
                    legal_basis=d["legal_basis"],
                    recognised_by=d["recognised_by"],
                    legal_basis_text=d["legal_basis_text"],
                    back=reverse("status:declaration_list"),
                )
                return redirect("jobs:job", pk=job.pk)
            if "confirm" in request.POST and request.POST.get("previewed") == previewed:
                declaration = services.declare_group(
                    actor=request.user,
                    criteria=criteria,
                    effective_on=d["effective_on"],
                    legal_basis=d["legal_basis"],
                    recognised_by=d["recognised_by"],
                    legal_basis_text=d["legal_basis_text"],
                )
                return redirect("status:declaration_detail", pk=declaration.pk)
            if "confirm" in request.POST:
                form.add_error(
                    None, _("The declaration changed since the preview: read the new preview, then confirm.")
                )
            preview = queries.preview_declaration(request.user, criteria)
    ctx = {"form": form, "preview": preview, "previewed": previewed}
    return render(request, "status/declaration_new.html", ctx)


def _fingerprint(data: dict) -> str:
    """What the preview showed, in short: a confirmation counts only for what was previewed."""
    text = json.dumps({k: str(v) for k, v in sorted(data.items())})
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@login_required
def declaration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    declaration = or_404(queries.get_declaration, request.user, pk)
    return render(
        request,
        "status/declaration_detail.html",
        {
            "d": declaration,
            "form": RevokeForm(),
            "can_revoke": declaration.revoked_at is None
            and can(request.user, "status.revoke_groupdeclaration", declaration),
        },
    )


@login_required
@require_POST
def declaration_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """The first POST shows the statuses that will end; only a POST with confirm=yes revokes."""
    declaration = or_404(queries.get_declaration, request.user, pk)
    require(request, "status.revoke_groupdeclaration", declaration)
    form = RevokeForm(request.POST)
    if form.is_valid():
        if not confirmed(request):
            ctx = {
                "d": declaration,
                "preview": previews.declaration_revocation(request.user, declaration),
                "reason": form.cleaned_data["reason"],
                "confirm": CONFIRM,
            }
            return render(request, "status/declaration_revoke.html", ctx)
        queue = declaration.applied_count > QUEUE_ABOVE  # a large group: on the queue, its page shows it
        with errors_onto(form) as outcome:
            if queue:
                job = start_revocation(
                    actor=request.user,
                    declaration=declaration,
                    reason=form.cleaned_data["reason"],
                    back=reverse("status:declaration_detail", args=[pk]),
                )
            else:
                services.revoke_group_declaration(
                    actor=request.user, declaration=declaration, reason=form.cleaned_data["reason"]
                )
        if outcome.ok:
            return redirect("jobs:job", pk=job.pk) if queue else redirect("status:declaration_detail", pk=pk)
    return render(
        request, "status/declaration_detail.html", {"d": declaration, "form": form, "can_revoke": True}, status=422
    )


@login_required
@require_http_methods(["GET", "POST"])
def designations(request: AuthedRequest) -> HttpResponse:
    require(request, "status.view_sitedesignationact")
    sites = list(registry_queries.sites_for(request.user))
    may_add = request.user.has_perm("status.add_sitedesignationact")
    form = DesignationForm(request.POST or None, sites=sites) if may_add else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            with errors_onto(form) as outcome:
                services.designate_site(
                    actor=request.user,
                    site=registry_queries.site_in_scope(request.user, d["site"]),
                    designation=d["designation"],
                    effective_on=d["effective_on"],
                    legal_basis_text=d["legal_basis_text"],
                )
            if outcome.ok:
                return redirect("status:designations")
    return render(
        request,
        "status/designations.html",
        {
            "acts": queries.designations_for(request.user),
            "form": form,
            "may_revoke": request.user.has_perm("status.revoke_sitedesignationact"),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def designation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """The first POST shows the designation the site returns to; only confirm=yes revokes."""
    act = or_404(queries.get_designation, request.user, pk)
    require(request, "status.revoke_sitedesignationact", act)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A revocation needs a reason."))
        return redirect("status:designations")
    if not confirmed(request):
        ctx = {
            "act": act,
            "preview": previews.designation_revocation(act),
            "reason": form.cleaned_data["reason"],
            "confirm": CONFIRM,
        }
        return render(request, "status/designation_revoke.html", ctx)
    with errors_flashed(request):
        services.revoke_site_designation(actor=request.user, act=act, reason=form.cleaned_data["reason"])
    return redirect("status:designations")
