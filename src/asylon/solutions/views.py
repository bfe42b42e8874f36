"""Resettlement pages: parse, call a service or query, render. No business rule here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.dates import today
from asylon.core.edges import errors_onto, or_404, require
from asylon.core.errors import DomainError, InvalidInput, SafeguardRefusal
from asylon.core.listing import listing
from asylon.core.scope import can
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.sharing.guard import recipient_of

from . import charts, queries, services
from . import forms as f
from .manifest import manifest_csv, manifest_xlsx
from .models import ResettlementCase, Stage, SubmissionBatch
from .transitions import RESETTLEMENT_CASE

APPROVE = "movements.approve_movement"
CONFIRM = "yes"  # the confirmation convention of big acts (incidents.views.roll_call_close)


@login_required
def dashboard(request: AuthedRequest, site_code: str | None = None) -> HttpResponse:
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
def case_list(request: AuthedRequest) -> HttpResponse:
    require(request, "solutions.view_resettlementcase")
    stage = request.GET.get("stage", "")
    qs = queries.cases_for(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    rows = listing(request, qs, CASE_SORTS, default="reference")
    return render(
        request,
        "solutions/case_list.html",
        {
            "listing": rows,
            "stages": Stage.choices,
            "stage": stage,
            "countries": queries.receiving_countries(),
            # A delegation reads the case, not the household it came from (as in the API).
            "partner": recipient_of(request.user) is not None,
        },
    )


CASE_SORTS = {
    "reference": ["reference"],
    "household": ["household__reference"],
    "priority": ["priority"],
    "stage": ["stage"],
    "country": ["country__country"],
}


# --- a case's steps: one table, read by the page and by the one view that takes them ------


@dataclass(frozen=True)
class Step:
    """One step of a case as the page offers it: the button, its form, the service it calls,
    who may take it, and (for a big act) what its confirmation page shows."""

    label: StrPromise
    form: type[forms.Form]
    call: Callable[[Any, ResettlementCase, dict], object]
    perm: str = services.MANAGE
    summary: Callable[[Any, ResettlementCase, dict], queries.StepSummary] | None = None
    initial: Callable[[ResettlementCase], dict] = lambda case: {}


def _on(data: dict) -> date:
    return data.get("on") or today()


STEPS: dict[str, Step] = {
    "assess": Step(
        gettext_lazy("Record the assessment"),
        f.AssessForm,
        lambda u, c, d: services.assess_case(actor=u, case=c, need_assessment=d["need_assessment"]),
        initial=lambda c: {"need_assessment": c.need_assessment},
    ),
    "submit": Step(
        gettext_lazy("Submit to the country"),
        f.CountryForm,
        lambda u, c, d: services.submit_case(actor=u, case=c, country=d["country"]),
        summary=lambda u, c, d: queries.submission_summary(u, c, d["country"]),
    ),
    "interview": Step(
        gettext_lazy("Schedule the interview"),
        f.DayForm,
        lambda u, c, d: services.schedule_interview(actor=u, case=c, on=_on(d)),
    ),
    "accept": Step(
        gettext_lazy("Record the acceptance"),
        f.DecisionForm,
        lambda u, c, d: services.decide_submission(actor=u, case=c, accepted=True, note=d["note"]),
    ),
    "reject": Step(
        gettext_lazy("Record the rejection"),
        f.DecisionForm,
        lambda u, c, d: services.decide_submission(actor=u, case=c, accepted=False, note=d["note"]),
        summary=lambda u, c, d: queries.rejection_summary(u, c),
    ),
    "exit_formalities": Step(
        gettext_lazy("Start the exit formalities"),
        f.NoFields,
        lambda u, c, d: services.start_exit_formalities(actor=u, case=c),
    ),
    "formalities": Step(
        gettext_lazy("Record the exit formalities"),
        f.FormalitiesForm,
        lambda u, c, d: services.record_formalities(actor=u, case=c, **d),
        initial=lambda c: {
            "exit_permit": c.exit_permit,
            "medical_clearance": c.medical_clearance,
            "travel_documents": c.travel_documents,
        },
    ),
    "schedule_departure": Step(
        gettext_lazy("Schedule the departure"),
        f.DayForm,
        lambda u, c, d: services.schedule_departure(actor=u, case=c, departure_date=_on(d)),
    ),
    # Protection officers approve each member's departure (the gate runs again).
    "approve_departure": Step(
        gettext_lazy("Approve the departure"),
        f.NoFields,
        lambda u, c, d: services.approve_departure(actor=u, case=c),
        perm=APPROVE,
    ),
    "depart": Step(
        gettext_lazy("Record the departure"),
        f.DayForm,
        lambda u, c, d: services.record_departure(actor=u, case=c, departed_on=d.get("on")),
        summary=lambda u, c, d: queries.departure_summary(u, c),
    ),
    "confirm_arrival": Step(
        gettext_lazy("Confirm the arrival"),
        f.DayForm,
        lambda u, c, d: services.confirm_arrival(actor=u, case=c, arrived_on=d.get("on")),
    ),
    "close": Step(
        gettext_lazy("Close the case"),
        f.CloseForm,
        lambda u, c, d: services.close_case(actor=u, case=c, reason=d["reason"]),
        summary=lambda u, c, d: queries.closure_summary(u, c),
    ),
}
# Steps outside the stage table: they change no stage, so they are offered by stage here.
EXTRA_STEPS: dict[str, list[str]] = {
    Stage.EXIT_FORMALITIES: ["formalities"],
    Stage.DEPARTURE_SCHEDULED: ["approve_departure"],
}
# Stages at which the case's country is known and its departure still ahead.
CHECKED_STAGES = {Stage.SUBMITTED, Stage.INTERVIEW, Stage.ACCEPTED, Stage.EXIT_FORMALITIES, Stage.DEPARTURE_SCHEDULED}


def _form(name: str, step: Step, case: ResettlementCase, data=None) -> forms.Form:
    return step.form(data, initial=step.initial(case), auto_id=f"{name}_%s")


def _steps_for(user, case: ResettlementCase, bound: dict[str, forms.Form]) -> list[tuple[str, Step, forms.Form]]:
    names = [*RESETTLEMENT_CASE.allowed_actions(case.stage), *EXTRA_STEPS.get(case.stage, [])]
    steps = [(n, STEPS[n]) for n in names if n in STEPS and can(user, STEPS[n].perm, case)]
    return [(n, s, bound.get(n) or _form(n, s, case)) for n, s in steps]


def _case_page(request: AuthedRequest, case: ResettlementCase, *, bound=None, refusal=None, status: int = 200):
    members = queries.members_for(request.user, case)
    queries.guard_members(request.user, members, channel="page:solutions:case_detail")
    partner = recipient_of(request.user) is not None
    steps = [] if partner else _steps_for(request.user, case, bound or {})
    check = None
    if steps and case.country is not None and case.stage in CHECKED_STAGES:
        check = queries.departure_check(request.user, case, case.country)
    entries, submissions = queries.case_history(request.user, case)
    return render(
        request,
        "solutions/case_detail.html",
        {
            "case": case,
            "members": members,
            "steps": steps,
            "partner": partner,
            "check": check,
            "refusal": refusal,
            "entries": entries,
            "submissions": submissions,
        },
        status=status,
    )


@login_required
def case_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_page(request, or_404(queries.get_case, request.user, reference))


def _refusal(exc: SafeguardRefusal) -> list[queries.RefusalGroup] | None:
    """The departure's refusal as the page shows it: each reason with the member it is about,
    so that it links to where the missing evidence is recorded."""
    movement = getattr(exc, "movement", None)
    blocks = getattr(exc, "blocks", ())
    if movement is None or not blocks:
        return None
    return queries.group_refusals([queries.MemberRefusal(movement.person, b.rule, b.as_dict()) for b in blocks])


@login_required
@require_POST
def case_transition(request: AuthedRequest, reference: str) -> HttpResponse:
    """Parse the step's form, confirm a big act first (`confirm=yes`), call its service."""
    case = or_404(queries.get_case, request.user, reference)
    name = request.POST.get("action", "")
    # Resettlement officers take every step; protection officers approve departures.
    if not (can(request.user, services.MANAGE, case) or can(request.user, APPROVE, case)):
        raise Http404
    step = STEPS.get(name)
    if step is None:
        messages.error(request, _("Unknown action."))
        return redirect("solutions:case_detail", reference=case.reference)
    require(request, step.perm, case)
    form = _form(name, step, case, request.POST)
    if not form.is_valid():
        return _case_page(request, case, bound={name: form}, status=400)
    with errors_onto(form) as outcome:
        try:
            if step.summary is not None and request.POST.get("confirm") != CONFIRM:
                return _confirm_page(request, case, name, step, form)
            step.call(request.user, case, form.cleaned_data)
        except SafeguardRefusal as exc:
            # A departure's refusal is the case's page listing each member's reasons.
            refusals = _refusal(exc)
            if refusals is None:
                raise
            case.refresh_from_db()
            return _case_page(request, case, refusal=refusals, status=409)
    # The step's form is shown again with its errors; a refusal is said on the case's page.
    if outcome.ok:
        messages.success(request, _("Done."))
    elif isinstance(outcome.error, InvalidInput):
        return _case_page(request, case, bound={name: form}, status=400)
    elif outcome.error is not None:
        messages.error(request, outcome.error.message)
    return redirect("solutions:case_detail", reference=case.reference)


def _confirm_page(request: AuthedRequest, case: ResettlementCase, name: str, step: Step, form: forms.Form):
    summary = step.summary(request.user, case, form.cleaned_data) if step.summary else None
    check = None
    if name == "submit":
        check = queries.departure_check(request.user, case, form.cleaned_data["country"])
    return render(
        request,
        "solutions/step_confirm.html",
        {
            "case": case,
            "name": name,
            "step": step,
            "form": form,
            "summary": summary,
            "check": check,
            "confirm": CONFIRM,
        },
    )


# --- opening a case ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: AuthedRequest) -> HttpResponse:
    """Open a case for a household (from the household's page, a person's or the case list);
    the same service as the API's POST /resettlement-cases."""
    require(request, services.MANAGE)
    form = f.OpenCaseForm(request.POST or None, initial={"household": request.GET.get("household", "")})
    household = None
    if form.is_valid():
        data = form.cleaned_data
        with errors_onto(form) as outcome:
            household = registry_queries.household_named(
                request.user, data["household"], field="household", message=_("No such household in your sites.")
            )
            case = services.open_case(
                actor=request.user,
                household=household,
                primary_category=data["primary_category"],
                secondary_category=data["secondary_category"],
                priority=data["priority"],
            )
        if outcome.ok:
            messages.success(request, _("Resettlement case %(ref)s opened.") % {"ref": case.reference})
            return redirect("solutions:case_detail", reference=case.reference)
    return render(request, "solutions/case_open.html", {"form": form})


@login_required
@require_POST
def batch_submit(request: AuthedRequest) -> HttpResponse:
    """Submit the chosen cases to one country; the answer is the manifest (CSV or XLSX)."""
    require(request, "solutions.manage_resettlement")
    country = queries.receiving_country(request.POST.get("country"))
    refs = request.POST.getlist("cases")
    cases = list(queries.cases_for(request.user).filter(reference__in=refs))
    if country is None or len(cases) != len(set(refs)):
        raise Http404
    try:  # kept explicit: any refusal, said as the service wrote it, back on the case list
        batch = services.submit_batch(actor=request.user, country=country, cases=cases)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("solutions:case_list")
    return _manifest_response(request, batch, request.POST.get("format", "csv"))


@login_required
def batch_manifest(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    require(request, "solutions.manage_resettlement")
    batch = or_404(queries.get_batch, request.user, pk)
    return _manifest_response(request, batch, fmt)


def _manifest_response(request: AuthedRequest, batch: SubmissionBatch, fmt: str) -> HttpResponse:
    name = f"manifest-{batch.country.country.code}-{batch.pk}"
    if fmt == "xlsx":
        body = manifest_xlsx(actor=request.user, batch=batch)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(manifest_csv(actor=request.user, batch=batch), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
