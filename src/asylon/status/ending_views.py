"""Pages for ending refugee status (DOMAIN 5.3): open a cessation, cancellation or revocation
procedure, decide it, notify the decision, record and decide an appeal. Parse, call one
service, render; the rules (who may decide, the appeal window, N4) live in the services.

Deciding that a status ends is a big act: the first POST shows what will change in
#confirm-summary and only a POST with confirm=yes decides (the shared convention)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.edges import errors_onto, or_404, require
from asylon.core.scope import can
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import queries, services
from .models import EndingKind, EndingProcedure


class OpenForm(forms.Form):
    person = forms.CharField(label=_("Person reference"), max_length=20)
    kind = forms.ChoiceField(label=_("Procedure"), choices=EndingKind.choices)
    clause = forms.CharField(label=_("Clause"), max_length=20, help_text=_("e.g. 1C(5)"))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (EndingProcedure.Outcome.ENDED, _("status ended")),
            (EndingProcedure.Outcome.MAINTAINED, _("status maintained")),
        ],
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), required=False, help_text=_("Default today"))


class AppealForm(DateForm):
    reasons = forms.CharField(label=_("Grounds of appeal"), widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EndingProcedure.AppealOutcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


STEPS = {
    "decide": (DecideForm, "status.decide_rsdcase"),
    "notify": (DateForm, "status.change_endingprocedure"),
    "appeal": (AppealForm, "status.change_endingprocedure"),
    "decide_appeal": (AppealDecisionForm, "status.decide_rsdcase"),
}


def _next_step(p: EndingProcedure) -> str | None:
    if p.outcome == EndingProcedure.Outcome.OPEN:
        return "decide"
    if p.notified_on is None:
        return "notify"
    if p.outcome == EndingProcedure.Outcome.ENDED and p.appeal_lodged_on is None:
        return "appeal"
    if p.appeal_lodged_on is not None and not p.appeal_outcome:
        return "decide_appeal"
    return None


@login_required
@require_http_methods(["GET", "POST"])
def ending_list(request: AuthedRequest) -> HttpResponse:
    require(request, "status.view_endingprocedure")
    may_open = request.user.has_perm("status.add_endingprocedure")
    form = OpenForm(request.POST or None) if may_open else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            with errors_onto(form) as outcome:
                person = registry_queries.person_named(
                    request.user, form.cleaned_data["person"], field="person", message=_("No such person.")
                )
                procedure = services.open_ending_procedure(
                    actor=request.user,
                    person=person,
                    kind=form.cleaned_data["kind"],
                    clause=form.cleaned_data["clause"],
                )
            if outcome.ok:
                return redirect("status:ending_detail", pk=procedure.pk)
    page = Paginator(queries.ending_procedures_for(request.user), 50).get_page(request.GET.get("page"))
    status = 422 if request.method == "POST" else 200
    return render(request, "status/ending_list.html", {"page": page, "form": form}, status=status)


def _detail(request: AuthedRequest, procedure, step: str | None, form=None, *, status=200, confirm=False):
    step = step or _next_step(procedure)
    may = step is not None and can(request.user, STEPS[step][1], procedure)
    if may and form is None and step is not None:
        form = STEPS[step][0]()
    context = {
        "p": procedure,
        "step": step if may else None,
        "form": form if may else None,
        "confirm": confirm,
        "snap": queries.status_on(procedure.person),
    }
    return render(request, "status/ending_detail.html", context, status=status)


@login_required
def ending_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, or_404(queries.get_ending_procedure, request.user, pk), None)


@login_required
@require_POST
def ending_step(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = or_404(queries.get_ending_procedure, request.user, pk)
    step = request.POST.get("step", "")
    if step not in STEPS or not can(request.user, STEPS[step][1], procedure):
        raise Http404
    form = STEPS[step][0](request.POST)
    if not form.is_valid():
        return _detail(request, procedure, step, form, status=422)
    data = form.cleaned_data
    if step == "decide" and data["outcome"] == EndingProcedure.Outcome.ENDED and request.POST.get("confirm") != "yes":
        return _detail(request, procedure, step, form, confirm=True)
    with errors_onto(form) as outcome:
        if step == "decide":
            services.decide_ending_procedure(
                actor=request.user, procedure=procedure, outcome=data["outcome"], reasons=data["reasons"]
            )
        elif step == "notify":
            services.notify_ending_decision(actor=request.user, procedure=procedure, on=data["on"])
        elif step == "appeal":
            services.lodge_ending_appeal(
                actor=request.user, procedure=procedure, reasons=data["reasons"], on=data["on"]
            )
        else:
            services.decide_ending_appeal(
                actor=request.user, procedure=procedure, outcome=data["outcome"], reasons=data["reasons"]
            )
    if outcome.ok:
        return redirect("status:ending_detail", pk=pk)
    return _detail(request, procedure, step, form, status=422)
