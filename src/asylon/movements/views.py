"""Movement pages: parse, call a service or query, render. No business rule here.

A safeguard refusal is shown as a box with the rule, the reason in plain words, and the
legal basis, on the movement's page (the refused attempt is part of its record).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.edges import attach_errors, errors_onto, or_404, require
from asylon.core.errors import DomainError, InvalidInput, NotFound, NotPermitted, SafeguardRefusal
from asylon.core.listing import listing
from asylon.core.scope import can, site_ids
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.registry.models import Site

from . import forms as f
from . import gate, queries
from . import reference_data as references
from . import requests as movement_requests
from . import risk_profile as risks
from .models import MovementState
from .transitions import MOVEMENT


def _may_request(user) -> bool:
    return user.has_perm("movements.add_movement") or user.has_perm("movements.request_departure")


@login_required
def movement_list(request: AuthedRequest) -> HttpResponse:
    require(request, "movements.view_movement")
    qs = queries.movements_for(request.user)
    state = request.GET.get("state") or ""
    if state in MovementState.values:
        qs = qs.filter(state=state)
    rows = listing(request, qs, MOVEMENT_SORTS, default="-requested")
    groups = queries.groups_for(request.user)[:20]
    return render(
        request,
        "movements/movement_list.html",
        {
            "listing": rows,
            "groups": groups,
            "states": MovementState.choices,
            "state": state,
            "may_request": _may_request(request.user),
            "may_group": request.user.has_perm("movements.add_movement"),
        },
    )


MOVEMENT_SORTS = {
    "requested": ["requested_at"],
    "reference": ["reference"],
    "person": ["person__reference"],
    "kind": ["kind"],
    "state": ["state"],
}


@login_required
@require_http_methods(["GET", "POST"])
def movement_request(request: AuthedRequest) -> HttpResponse:
    if not _may_request(request.user):
        raise Http404
    sites = Site.objects.all()
    form = f.MovementForm(request.POST or None, initial={"person": request.GET.get("person", "")}, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = registry_queries.get_person(request.user, data["person"].strip())
            movement = movement_requests.request_movement(
                actor=request.user,
                person=person,
                kind=data["kind"],
                destination_country=data["destination_country"],
                destination_site=data["destination_site"],
                requesting_state=data["requesting_state"],
                legal_reference=data["legal_reference"],
                court_reference=data["court_reference"],
                note=data["note"],
            )
        except gate.MovementRefused as exc:
            messages.error(request, _("The safeguards refused this movement. The reasons are below."))
            return redirect("movements:detail", exc.movement.reference)
        except NotFound:
            form.add_error("person", _("No such person in your sites."))
        except InvalidInput as exc:
            attach_errors(exc, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Movement requested and assessed: no safeguard stops it so far."))
            return redirect("movements:detail", movement.reference)
    return render(request, "movements/movement_form.html", {"form": form})


@login_required
def movement_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    movement = or_404(queries.get_movement, request.user, reference)
    gates = queries.gate_results(movement)
    last = gates[-1] if gates else None
    refusal = last if last is not None and not last.allowed else None
    actions = [a for a in MOVEMENT.allowed_actions(movement.state) if gate.may_act(request.user, movement, a)]
    return render(
        request,
        "movements/movement_detail.html",
        {
            "movement": movement,
            "gates": gates,
            "refusal": refusal,
            "actions": actions,
            "form": f.TransitionForm(),
            "can_see_profile": can(request.user, "movements.view_risk_profile", movement.person),
        },
    )


@login_required
@require_POST
def movement_transition(request: AuthedRequest, reference: str) -> HttpResponse:
    movement = or_404(queries.get_movement, request.user, reference)
    if not gate.may_act_at_all(request.user, movement):
        raise Http404
    form = f.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect("movements:detail", reference)
    try:
        movement_requests.transition_movement(
            actor=request.user,
            movement=movement,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except SafeguardRefusal:
        messages.error(request, _("The safeguards refused this step. The movement stays as it was; reasons below."))
    except InvalidInput as exc:
        messages.error(request, " ".join(m for msgs in exc.errors.values() for m in msgs))
    except NotPermitted as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("movements:detail", reference)


@login_required
@require_http_methods(["GET", "POST"])
def group_request(request: AuthedRequest) -> HttpResponse:
    require(request, "movements.add_movement")
    sites = registry_queries.sites_for(request.user)
    blocks = registry_queries.blocks_of(request.user).select_related("site")
    form = f.GroupForm(request.POST or None, sites=sites, blocks=blocks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_onto(form) as outcome:
            group = movement_requests.request_group_movement(
                actor=request.user,
                site=data["site"],
                block=data["block"],
                kind=data["kind"],
                description=data["description"],
                destination_country=data["destination_country"],
                requesting_state=data["requesting_state"],
                legal_reference=data["legal_reference"],
                court_reference=data["court_reference"],
            )
        if outcome.ok:
            return redirect("movements:group_detail", group.reference)
    return render(request, "movements/group_form.html", {"form": form})


@login_required
def group_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    group = or_404(queries.get_group, request.user, reference)
    rows = queries.group_answer(group)
    return render(
        request,
        "movements/group_detail.html",
        {"group": group, "may_go": [r for r in rows if r.allowed], "may_not_go": [r for r in rows if not r.allowed]},
    )


# --- risk profile ---------------------------------------------------------------------------------

PROFILE_FORMS = {
    "risk": f.RiskCountryForm,
    "withdraw_risk": f.WithdrawRiskForm,
    "assessment": f.RiskAssessmentForm,
    "art332": f.Art332Form,
    "chain": f.ChainForm,
    "chain_approve": f.ChainApproveForm,
    "voluntariness": f.VoluntarinessForm,
    "withdraw_consent": f.WithdrawConsentForm,
    "family_unity": f.FamilyUnityForm,
}


def _profile_action(request: AuthedRequest, person, what: str, data: dict) -> str:
    user = request.user
    if what == "risk":
        risks.add_risk_country(actor=user, person=person, **data)
        return _("Risk country recorded.")
    if what == "withdraw_risk":
        risk = queries.get_risk(user, person, data["risk"])
        risks.withdraw_risk_country(actor=user, risk=risk, reason=data["reason"])
        return _("Risk withdrawn.")
    if what == "assessment":
        risks.record_risk_assessment(actor=user, person=person, **data)
        return _("Risk assessment signed.")
    if what == "art332":
        risks.record_art_33_2(actor=user, person=person, **data)
        return _("Art. 33(2) determination recorded.")
    if what == "chain":
        risks.record_chain_assessment(actor=user, person=person, **data)
        return _("Third-country assessment recorded; a second protection officer must approve it.")
    if what == "chain_approve":
        record = queries.get_chain_assessment(user, person, data["assessment"])
        risks.approve_chain_assessment(actor=user, assessment=record)
        return _("Approval recorded.")
    if what == "voluntariness":
        movement_requests.record_voluntariness(actor=user, person=person, **data)
        return _("Voluntariness interview recorded.")
    if what == "family_unity":
        member = registry_queries.get_person(user, data.pop("member").strip())
        movement_requests.record_family_unity_decision(actor=user, person=person, member=member, **data)
        return _("Family-unity decision recorded.")
    movement_requests.withdraw_consent(actor=user, person=person, note=data["note"])
    return _("Consent withdrawn; open returns were cancelled.")


@login_required
@require_http_methods(["GET", "POST"])
def risk_profile(request: AuthedRequest, reference: str) -> HttpResponse:
    person = or_404(registry_queries.get_person, request.user, reference)
    profile = or_404(queries.risk_profile, request.user, person)
    bound = {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        if what not in PROFILE_FORMS:
            raise Http404
        form = PROFILE_FORMS[what](request.POST)
        bound[what] = form
        if form.is_valid():
            try:
                messages.success(request, _profile_action(request, person, what, dict(form.cleaned_data)))
                return redirect("movements:risk_profile", reference)
            except InvalidInput as exc:
                attach_errors(exc, form)
            except NotPermitted as exc:
                raise Http404 from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
    forms = {name: bound.get(name) or cls() for name, cls in PROFILE_FORMS.items()}
    return render(
        request,
        "movements/risk_profile.html",
        {
            "person": person,
            "profile": profile,
            "forms": forms,
            "can_manage": can(request.user, "movements.manage_risk_profile", person),
            "can_chain": can(request.user, "movements.approve_chain", person),
            "can_voluntariness": can(request.user, "movements.record_voluntariness", person),
            "can_approve": can(request.user, "movements.approve_movement", person),
            "movements": queries.movements_for(request.user).filter(person=person),
        },
    )


# --- reference data -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reference_data(request: AuthedRequest) -> HttpResponse:
    require(request, "movements.view_risk_profile")
    what = request.POST.get("what")
    policy_form = f.OnwardPolicyForm(request.POST if what == "policy" else None)
    authority_form = f.AuthorityForm(request.POST if what == "authority" else None)
    if request.method == "POST":
        form = policy_form if what == "policy" else authority_form
        if form.is_valid():
            with errors_onto(form) as outcome:
                if form is policy_form:
                    references.record_onward_policy(actor=request.user, **form.cleaned_data)
                else:
                    references.record_country_authority(actor=request.user, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Recorded."))
                return redirect("movements:reference_data")
    return render(
        request,
        "movements/reference_data.html",
        {
            "policies": queries.onward_policies(request.user),
            "authorities": queries.country_authorities(request.user),
            "policy_form": policy_form,
            "authority_form": authority_form,
            "can_manage": request.user.has_perm("movements.manage_reference_data"),
            "site_ids": site_ids(request.user),
        },
    )
