"""Resettlement pages: parse, call a service or query, render. No business rule here."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asylon.accounts.scope import can
from asylon.core.dates import today
from asylon.core.errors import DomainError, NotFound, NotPermitted
from asylon.core.listing import listing
from asylon.movements.sharing import recipient_of

from . import charts, queries, services
from .manifest import manifest_csv, manifest_xlsx
from .models import ReceivingCountry, Stage, SubmissionBatch
from .transitions import allowed_actions


def _or_404(fn, *args):
    try:
        return fn(*args)
    except (NotFound, NotPermitted) as exc:
        raise Http404(exc.message) from exc


@login_required
def dashboard(request: HttpRequest, site_code: str | None = None) -> HttpResponse:
    sites = list(queries.sites_for_dashboard(request.user))
    if not sites:
        raise Http404
    site = next((s for s in sites if s.code == site_code), None) if site_code else sites[0]
    if site is None:
        raise Http404
    d = queries.dashboard(site)
    open_stages = [s for s in d.stages if s.stage not in (Stage.ARRIVED, Stage.CLOSED)]
    context = {
        "d": d,
        "sites": sites,
        "chart_departures": charts.departures_by_month(d.departed_by_month, title=_("Persons departed, by month")),
        "chart_stages": charts.bar_chart(
            [s.label for s in open_stages],
            [s.cases for s in open_stages],
            title=_("Cases at each stage"),
            horizontal=True,
        ),
        "chart_countries": charts.grouped_bars(
            [r.country.country.code for r in d.countries],
            {
                _("pledged"): [r.pledged for r in d.countries],
                _("submitted"): [r.submitted for r in d.countries],
                _("accepted"): [r.accepted for r in d.countries],
                _("departed"): [r.departed for r in d.countries],
            },
            title=_("Pledges, submissions, acceptances and departures (persons)"),
        ),
    }
    return render(request, "solutions/dashboard.html", context)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("solutions.view_resettlementcase"):
        raise Http404
    stage = request.GET.get("stage", "")
    qs = queries.cases_for(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    rows = listing(request, qs, CASE_SORTS, default="reference")
    return render(
        request,
        "solutions/case_list.html",
        {"listing": rows, "stages": Stage.choices, "stage": stage, "countries": ReceivingCountry.objects.all()},
    )


CASE_SORTS = {
    "reference": ["reference"],
    "household": ["household__reference"],
    "priority": ["priority"],
    "stage": ["stage"],
    "country": ["country__country"],
}


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = _or_404(queries.get_case, request.user, reference)
    members = queries.members_for(request.user, case)
    queries.guard_members(request.user, members, channel="page:solutions:case_detail")
    manage = can(request.user, "solutions.manage_resettlement", case)
    partner = recipient_of(request.user) is not None
    return render(
        request,
        "solutions/case_detail.html",
        {
            "case": case,
            "members": members,
            "manage": manage,
            "actions": allowed_actions(case.stage) if manage else [],
            "partner": partner,
            "entries": [] if partner else case.stage_entries.select_related("actor").order_by("pk"),
            "submissions": [] if partner else case.submissions.select_related("country").order_by("pk"),
            "countries": ReceivingCountry.objects.filter(active=True),
        },
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str) -> HttpResponse:
    case = _or_404(queries.get_case, request.user, reference)
    action, user, data = request.POST.get("action", ""), request.user, request.POST
    # Resettlement officers take every step; protection officers approve departures.
    if not (can(user, services.MANAGE, case) or can(user, "movements.approve_movement", case)):
        raise Http404
    try:
        if action == "assess":
            services.assess_case(actor=user, case=case, need_assessment=data.get("need_assessment", ""))
        elif action == "submit":
            country = ReceivingCountry.objects.filter(pk=data.get("country") or 0).first()
            if country is None:
                raise NotFound(_("Choose a country."))
            services.submit_case(actor=user, case=case, country=country)
        elif action == "interview":
            services.schedule_interview(actor=user, case=case, on=_date(data.get("on")) or today())
        elif action in ("accept", "reject"):
            services.decide_submission(actor=user, case=case, accepted=action == "accept", note=data.get("note", ""))
        elif action == "exit_formalities":
            services.start_exit_formalities(actor=user, case=case)
        elif action == "formalities":
            services.record_formalities(
                actor=user,
                case=case,
                exit_permit="exit_permit" in data,
                medical_clearance="medical_clearance" in data,
                travel_documents="travel_documents" in data,
            )
        elif action == "schedule_departure":
            services.schedule_departure(actor=user, case=case, departure_date=_date(data.get("on")) or today())
        elif action == "approve_departure":
            services.approve_departure(actor=user, case=case)
        elif action == "depart":
            services.record_departure(actor=user, case=case, departed_on=_date(data.get("on")))
        elif action == "confirm_arrival":
            services.confirm_arrival(actor=user, case=case, arrived_on=_date(data.get("on")))
        elif action == "close":
            services.close_case(actor=user, case=case, reason=data.get("reason", ""))
        else:
            raise NotFound(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("solutions:case_detail", reference=case.reference)


@login_required
@require_POST
def batch_submit(request: HttpRequest) -> HttpResponse:
    """Submit the chosen cases to one country; the answer is the manifest (CSV or XLSX)."""
    if not request.user.has_perm("solutions.manage_resettlement"):
        raise Http404
    country = ReceivingCountry.objects.filter(pk=request.POST.get("country") or 0).first()
    refs = request.POST.getlist("cases")
    cases = list(queries.cases_for(request.user).filter(reference__in=refs))
    if country is None or len(cases) != len(set(refs)):
        raise Http404
    try:
        batch = services.submit_batch(actor=request.user, country=country, cases=cases)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("solutions:case_list")
    return _manifest_response(request, batch, request.POST.get("format", "csv"))


@login_required
def batch_manifest(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if not request.user.has_perm("solutions.manage_resettlement"):
        raise Http404
    batch = SubmissionBatch.objects.filter(pk=pk).select_related("country__recipient").first()
    if batch is None:
        raise Http404
    return _manifest_response(request, batch, fmt)


def _manifest_response(request: HttpRequest, batch: SubmissionBatch, fmt: str) -> HttpResponse:
    name = f"manifest-{batch.country.country.code}-{batch.pk}"
    if fmt == "xlsx":
        body = manifest_xlsx(actor=request.user, batch=batch)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(manifest_csv(actor=request.user, batch=batch), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
