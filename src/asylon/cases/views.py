"""The case pages: lists, opening a case (prefilled from its origin), the case page with a
form for each step, and the partner's referral inbox.

Parse → call → render with `core.edges`. A case the reader may not know exists is a 404 like
any unknown reference (`or_404(queries.read_case, ...)`): the same answer for a sensitive
case held by someone else as for a number never issued.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from asylon.core.edges import errors_onto, or_404, require
from asylon.core.scope import site_ids
from asylon.core.types import AuthedRequest
from asylon.incidents import queries as incident_queries
from asylon.registry import queries as registry_queries

from . import assessments, forms, queries, services
from .models import CaseState, ProtectionCase
from .services_referrals import answer_referral, refer_case
from .transitions import REFERRAL

VIEW = queries.VIEW
OPEN = services.OPEN
WORK = services.WORK
ANSWER = queries.ANSWER


def _may_view(request: AuthedRequest) -> None:
    if not (request.user.has_perm(VIEW) or request.user.has_perm(queries.SENSITIVE)):
        require(request, VIEW)


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    _may_view(request)
    which = request.GET.get("which", "mine")
    which = which if which in ("mine", "supervised", "site") else "mine"
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    cases = queries.case_list(request.user, which, state=state)[:500]
    return render(
        request,
        "cases/case_list.html",
        {"cases": cases, "which": which, "state": state, "states": CaseState.choices},
    )


@login_required
def case_open(request: AuthedRequest) -> HttpResponse:
    require(request, OPEN)
    actor = request.user
    source = request.POST or None
    initial: dict[str, Any] = {
        k: request.GET.get(k) for k in ("person", "household", "need", "incident", "mark") if request.GET.get(k)
    }
    origin = _origin_of(request, initial)
    if "person" not in initial and origin.get("person") is not None:
        initial["person"] = origin["person"].reference
    initial.setdefault("caseworker", actor.pk)
    form = forms.OpenForm(source, initial=initial, workers=queries.workers_in(site_ids(actor)))
    if form.is_valid():
        data = form.cleaned_data
        with errors_onto(form) as outcome:
            case = services.open_case(
                actor=actor,
                person=registry_queries.get_person(actor, data["person"]) if data["person"] else None,
                household=registry_queries.get_household(actor, data["household"]) if data["household"] else None,
                case_type=data["case_type"],
                risk_level=data["risk_level"],
                caseworker=data["caseworker"],
                supervisor=data["supervisor"],
                need=queries.need_of(actor, data["need"]) if data["need"] else None,
                incident=incident_queries.get_incident(actor, data["incident"]) if data["incident"] else None,
                mark=queries.mark_of(actor, data["mark"]) if data["mark"] else None,
                summary=data["summary"],
            )
        if outcome.ok:
            return redirect(case)
    return render(request, "cases/case_open.html", {"form": form, "origin": origin})


def _origin_of(request: AuthedRequest, initial: dict[str, Any]) -> dict[str, Any]:
    """What the case is opened from, as the page says it (404 if it is not the reader's)."""
    actor = request.user
    try:
        if initial.get("need"):
            need = or_404(queries.need_of, actor, int(initial["need"]))
            return {"label": str(need.code), "person": need.person}
        if initial.get("mark"):
            mark = or_404(queries.mark_of, actor, int(initial["mark"]))
            return {"label": mark.get_result_display(), "person": mark.person}
        if initial.get("incident"):
            incident = or_404(incident_queries.get_incident, actor, initial["incident"])
            return {"label": incident.reference, "person": None}
    except ValueError:
        pass
    return {}


def _detail(request: AuthedRequest, case: ProtectionCase, status: int = 200, **bound: Any) -> HttpResponse:
    actor = request.user
    workers = queries.workers_in([case.site_id])
    recipients = queries.partner_recipients()
    latest = case.assessments.first()
    context = {
        "case": case,
        "notes": queries.case_notes(actor, case, channel="page:cases:case_detail"),
        "confidential": queries.reads_confidential(actor, case),
        "may_work": actor.has_perm(WORK, case),
        "consents": case.consents.select_related("recipient"),
        "assessment": latest,
        "answers": assessments.readable(latest.case_type, latest.answers) if latest else [],
        "actions": case.actions.select_related("owner"),
        "reviews": case.reviews.select_related("reviewed_by"),
        "referrals": case.referrals.select_related("recipient"),
        "history": queries.history(case),
        "referral_actions": REFERRAL,
        "consent_form": bound.get("consent_form") or forms.ConsentForm(recipients=recipients),
        "assessment_form": bound.get("assessment_form") or forms.AssessmentForm(case_type=case.case_type),
        "action_form": bound.get("action_form") or forms.ActionForm(workers=workers),
        "review_form": bound.get("review_form") or forms.ReviewForm(),
        "note_form": bound.get("note_form") or forms.NoteForm(),
        "referral_form": bound.get("referral_form") or forms.ReferralForm(recipients=recipients),
        "close_form": bound.get("close_form") or forms.CloseForm(),
        "reopen_form": bound.get("reopen_form") or forms.ReopenForm(),
        "error": bound.get("error"),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _case(request: AuthedRequest, reference: str) -> ProtectionCase:
    _may_view(request)
    return or_404(queries.read_case, request.user, reference, channel="page:cases")


@login_required
def case_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    return _detail(request, _case(request, reference))


def _step(request: AuthedRequest, reference: str, name: str, form: Any, call) -> HttpResponse:
    """POST of one step's form: the service, then back to the case (or the case with the errors)."""
    case = _case(request, reference)
    require(request, WORK, case)
    if form.is_valid():
        with errors_onto(form) as outcome:
            call(case, form.cleaned_data)
        if outcome.ok:
            return redirect(case)
    return _detail(request, case, status=422, **{name: form})


@login_required
@require_POST
def case_consent(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.ConsentForm(request.POST, recipients=queries.partner_recipients())
    return _step(
        request,
        reference,
        "consent_form",
        form,
        lambda case, d: services.record_consent(actor=request.user, case=case, fields=d.pop("share"), **d),
    )


@login_required
@require_POST
def consent_withdraw(request: AuthedRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference)
    require(request, WORK, case)
    consent = or_404(queries.consent_of, case, pk)
    form = forms.OutcomeForm({"outcome": request.POST.get("note") or "-"})
    with errors_onto(form):
        services.withdraw_consent(actor=request.user, consent=consent, note=request.POST.get("note", ""))
    return redirect(case)


@login_required
@require_POST
def case_assess(request: AuthedRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms.AssessmentForm(request.POST, case_type=case.case_type)
    return _step(
        request,
        reference,
        "assessment_form",
        form,
        lambda case, d: services.record_assessment(actor=request.user, case=case, answers=d),
    )


@login_required
@require_POST
def case_action(request: AuthedRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = forms.ActionForm(request.POST, workers=queries.workers_in([case.site_id]))
    return _step(
        request,
        reference,
        "action_form",
        form,
        lambda case, d: services.add_plan_action(actor=request.user, case=case, **d),
    )


@login_required
@require_POST
def action_done(request: AuthedRequest, reference: str, pk: int) -> HttpResponse:
    form = forms.OutcomeForm(request.POST)

    def call(case, d):
        services.complete_plan_action(actor=request.user, item=queries.action_of(case, pk), outcome=d["outcome"])

    return _step(request, reference, "outcome_form", form, call)


@login_required
@require_POST
def case_review(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.ReviewForm(request.POST)
    return _step(
        request,
        reference,
        "review_form",
        form,
        lambda case, d: services.record_review(actor=request.user, case=case, **d),
    )


@login_required
@require_POST
def case_note(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    return _step(
        request, reference, "note_form", form, lambda case, d: services.add_note(actor=request.user, case=case, **d)
    )


@login_required
@require_POST
def case_refer(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.ReferralForm(request.POST, recipients=queries.partner_recipients())
    return _step(
        request,
        reference,
        "referral_form",
        form,
        lambda case, d: refer_case(actor=request.user, case=case, fields=d.pop("share"), **d),
    )


@login_required
@require_POST
def case_close(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.CloseForm(request.POST)
    return _step(
        request, reference, "close_form", form, lambda case, d: services.close_case(actor=request.user, case=case, **d)
    )


@login_required
@require_POST
def case_reopen(request: AuthedRequest, reference: str) -> HttpResponse:
    form = forms.ReopenForm(request.POST)
    return _step(
        request,
        reference,
        "reopen_form",
        form,
        lambda case, d: services.reopen_case(actor=request.user, case=case, **d),
    )


# --- referrals: the partner's inbox, and the answers ------------------------------------------


@login_required
def referral_inbox(request: AuthedRequest) -> HttpResponse:
    require(request, ANSWER)
    return render(request, "cases/referral_inbox.html", {"referrals": queries.referrals_for_partner(request.user)})


@login_required
def referral_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    require(request, ANSWER)
    referral = or_404(queries.get_partner_referral, request.user, reference)
    return _referral_page(request, referral, forms.AnswerForm())


def _referral_page(request: AuthedRequest, referral, form, status: int = 200) -> HttpResponse:
    from .referrals import SHAREABLE

    # A figure (the age) is read in the reader's digits; a reference stays as it is written.
    # The fields come in the table's order (who, then the facts, then why), not the stored one.
    order = list(SHAREABLE)
    stored = sorted(referral.shared.items(), key=lambda kv: order.index(kv[0]) if kv[0] in SHAREABLE else len(order))
    shared = [
        (
            str(SHAREABLE[k].label) if k in SHAREABLE else k,
            SHAREABLE[k].show(v) if k in SHAREABLE else v,
            isinstance(v, int) and not isinstance(v, bool),
        )
        for k, v in stored
    ]
    actions = [(a, REFERRAL.actions(a).label) for a in REFERRAL.allowed_actions(referral.state)]
    return render(
        request,
        "cases/referral_detail.html",
        {"referral": referral, "shared": shared, "actions": actions, "form": form},
        status=status,
    )


@login_required
@require_POST
def referral_answer(request: AuthedRequest, reference: str) -> HttpResponse:
    """A partner answers its referral; staff record an internal referral's answers on the case."""
    if not (request.user.has_perm(ANSWER) or request.user.has_perm(WORK)):
        require(request, ANSWER)
    referral = or_404(queries.get_referral, request.user, reference)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        with errors_onto(form) as outcome:
            answer_referral(
                actor=request.user,
                referral=referral,
                action=form.cleaned_data["action"],
                text=form.cleaned_data["text"],
            )
        if outcome.ok:
            if referral.recipient_id is None:
                return redirect(referral.case)
            return redirect("cases:referral_detail", reference=referral.reference)
    if referral.recipient_id is None:
        return _detail(request, referral.case, status=422, error=form.errors.get("__all__") or form.errors)
    return _referral_page(request, referral, form, status=422)
