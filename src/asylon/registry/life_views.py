"""Pages of a household's life: parse, call `life_events`, render. A split, a join and a
death's confirmation cannot be undone: the first POST shows what will change
(#confirm-summary) and asks again with a hidden confirm=yes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asylon.core.confirm import CONFIRM, carried, confirmed
from asylon.core.edges import errors_onto, or_404, require
from asylon.core.errors import InvalidInput
from asylon.core.scope import can
from asylon.core.types import Actor, AuthedRequest

from . import life_events, queries
from .forms import (
    BirthForm,
    DeathDecisionForm,
    DeathReportForm,
    JoinForm,
    MoveMemberForm,
    SplitForm,
    UnitMoveForm,
)
from .models import Relationship

ACTS = ("birth", "move", "unit", "split", "join")


def _person(actor: Actor, reference: str, field: str):
    return queries.person_named(actor, reference, field=field) if (reference or "").strip() else None


def _split_members(actor: Actor, data: dict) -> list[tuple]:
    """The page names the new principal applicant and the others, who share one relationship."""
    members = [(queries.person_named(actor, data["principal"], field="principal"), Relationship.PRINCIPAL_APPLICANT)]
    others = data["others"].split()
    if others and not data["others_relationship"]:
        raise InvalidInput({"others_relationship": [_("Say how the others stand to the new principal applicant.")]})
    members += [(queries.person_named(actor, ref, field="others"), data["others_relationship"]) for ref in others]
    return members


def _forms(request: AuthedRequest, household, act: str | None) -> dict[str, forms.Form]:
    data = request.POST if request.method == "POST" else None
    return {
        "birth": BirthForm(data if act == "birth" else None, prefix="birth"),
        "move": MoveMemberForm(data if act == "move" else None, prefix="move"),
        "unit": UnitMoveForm(data if act == "unit" else None, prefix="unit", site=household.site),
        "split": SplitForm(data if act == "split" else None, prefix="split"),
        "join": JoinForm(data if act == "join" else None, prefix="join"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def household_life(request: AuthedRequest, reference: str) -> HttpResponse:
    """Births, members moving, splits, joins and unit moves of one household."""
    household = or_404(queries.get_household, request.user, reference)
    require(request, life_events.CHANGE_HOUSEHOLD, household)
    act = request.POST.get("act") if request.method == "POST" else None
    all_forms = _forms(request, household, act)
    form = all_forms.get(act or "")
    if form is not None and form.is_valid():
        with errors_onto(form) as outcome:
            preview = _act(request, household, act or "", form.cleaned_data)
        if outcome.ok and preview is not None:
            return render(
                request,
                "registry/life_confirm.html",
                {"household": household, "preview": preview, "carried": carried(request), "confirm": CONFIRM},
            )
        if outcome.ok:
            return redirect("registry:household_history", reference=household.reference)
    return render(
        request,
        "registry/household_life.html",
        {"household": household, "members": queries.current_members(household), "forms": all_forms},
    )


def _act(request: AuthedRequest, household, act: str, data: dict):
    """Do the act; for a split or a join not yet confirmed, return what it will change."""
    actor = request.user
    if act == "birth":
        child = {k: data[k] for k in ("given_name", "family_name", "sex", "date_of_birth") if data.get(k)}
        life_events.record_birth(
            actor=actor,
            household=household,
            child=child,
            mother=_person(actor, data["mother"], "mother"),
            father=_person(actor, data["father"], "father"),
            reason=data["reason"],
        )
    elif act == "move":
        life_events.move_member(
            actor=actor,
            person=queries.person_named(actor, data["person"], field="person"),
            target=queries.household_named(actor, data["target"], field="target"),
            relationship=data["relationship"],
            reason=data["reason"],
            new_principal=_person(actor, data["new_principal"], "new_principal"),
        )
    elif act == "unit":
        life_events.move_unit(actor=actor, household=household, unit=data["unit"], reason=data["reason"])
    elif act == "split":
        members = _split_members(actor, data)
        if not confirmed(request):
            return {"title": _("Split the household"), **life_events.split_changes(household, [p for p, _r in members])}
        life_events.split_household(
            actor=actor,
            household=household,
            members=members,
            reason=data["reason"],
            new_principal=_person(actor, data["new_principal"], "new_principal"),
        )
    elif act == "join":
        target = queries.household_named(actor, data["target"], field="target")
        if not confirmed(request):
            return {"title": _("Join another household"), **life_events.join_changes(household, target)}
        life_events.join_household(
            actor=actor,
            household=household,
            target=target,
            principal_relationship=data["principal_relationship"],
            reason=data["reason"],
        )
    return None


@login_required
def household_history(request: AuthedRequest, reference: str) -> HttpResponse:
    """Every change of the household, newest first, with its reason."""
    household = or_404(queries.get_household, request.user, reference)
    require(request, "registry.view_household", household)
    return render(
        request,
        "registry/household_history.html",
        {"household": household, "lines": queries.household_history(request.user, household)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def death_report(request: AuthedRequest, reference: str) -> HttpResponse:
    """Report a death with its source; it waits for a second person's confirmation."""
    person = or_404(queries.get_person, request.user, reference)
    require(request, "registry.change_person", person)
    form = DeathReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            report = life_events.report_death(actor=request.user, person=person, **form.cleaned_data)
        if outcome.ok:
            return redirect("registry:death_decide", pk=report.pk)
    return render(request, "registry/death_report.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def death_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm (after seeing what it changes) or reject a reported death."""
    report = or_404(queries.get_death_report, request.user, pk)
    may_decide = can(request.user, life_events.CONFIRM_DEATH, report.person)
    form = DeathDecisionForm(request.POST or None)
    context = {"report": report, "form": form, "may_decide": may_decide}
    if request.method == "POST":
        require(request, life_events.CONFIRM_DEATH, report.person)
        if form.is_valid():
            data = form.cleaned_data
            with errors_onto(form) as outcome:
                if request.POST.get("decision") == "reject":
                    life_events.reject_death(actor=request.user, report=report, reason=data["reason"])
                elif not confirmed(request):
                    context.update(preview=life_events.death_changes(report), carried=carried(request))
                    return render(request, "registry/death_decide.html", {**context, "confirm": CONFIRM})
                else:
                    life_events.confirm_death(
                        actor=request.user,
                        report=report,
                        reason=data["reason"],
                        new_principal=_person(request.user, data["new_principal"], "new_principal"),
                    )
            if outcome.ok:
                return redirect("registry:person_detail", reference=report.person.reference)
    return render(request, "registry/death_decide.html", context)
