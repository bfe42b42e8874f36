"""Incident pages: parse, call a service or query, render. No business rule here."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asylon.core.confirm import CONFIRM, carried, confirmed
from asylon.core.edges import errors_flashed, errors_onto, or_404, require, said
from asylon.core.errors import Conflict, DomainError, InvalidInput, NotFound, NotPermitted
from asylon.core.listing import listing
from asylon.core.scope import can, site_ids
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries
from asylon.registry.queries import sites_for

from . import alerts, previews, queries, reviews, rollcall, services, sheets
from . import evidence as evidence_store
from .forms import (
    AffectedForm,
    EvidenceForm,
    FollowUpForm,
    HandOverForm,
    IncidentFilterForm,
    IncidentForm,
    RollCallForm,
    SheetEntryForm,
)
from .models import IncidentStatus, RollCallResult, RollCallState
from .transitions import INCIDENT

PAGE_SIZE = 50
# The roll-call results a protection case may be opened from, on the report.
CASE_RESULTS = frozenset({RollCallResult.INJURED, RollCallResult.MISSING, RollCallResult.NOT_FOUND})
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "asylon"


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.view_incident")
    sites = list(sites_for(request.user))
    form = IncidentFilterForm(request.GET or None, sites=sites)
    f = queries.IncidentFilters()
    if form.is_valid():
        f = queries.IncidentFilters(**{k: v or None for k, v in form.cleaned_data.items()})
    rows = listing(request, queries.timeline(request.user, f), INCIDENT_SORTS, default="-occurred")
    return render(request, "incidents/incident_list.html", {"form": form, "listing": rows})


INCIDENT_SORTS = {
    "occurred": ["occurred_at"],
    "reference": ["reference"],
    "kind": ["kind"],
    "severity": ["severity"],
    "site": ["site__code"],
    "status": ["status"],
}


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.add_incident")
    sites = list(sites_for(request.user))
    locations = registry_queries.locations_for(request.user)
    form = IncidentForm(request.POST or None, sites=sites, locations=locations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site = next(s for s in sites if s.pk == data.pop("site"))
        loc_id = data.pop("location")
        data["location"] = next((loc for loc in locations if loc.pk == loc_id), None)
        data["verification"] = data.get("verification") or None
        with errors_onto(form) as outcome:
            incident = services.report_incident(actor=request.user, site=site, **data)
        if outcome.ok:
            messages.success(request, _("Incident %(ref)s recorded.") % {"ref": incident.reference})
            return redirect("incidents:detail", reference=incident.reference)
    return render(request, "incidents/incident_form.html", {"form": form})


@login_required
def incident_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    user = request.user
    incident = or_404(queries.get_incident, user, reference)
    restricted = queries.can_see_restricted(user, incident)
    can_change = can(user, "incidents.change_incident", incident)
    ctx = {
        "incident": incident,
        "restricted": restricted,
        "can_change": can_change,
        "transitions": sorted(INCIDENT.targets(incident.status)) if can_change else [],
        "statuses": dict(IncidentStatus.choices),
        **queries.incident_record(user, incident),
        "can_upload": can(user, "incidents.add_evidence", incident)
        and (incident.reported_by_id == user.pk or can(user, "incidents.view_evidence", incident)),
        "follow_up_form": FollowUpForm(owners=queries.follow_up_owners(incident.site_id))
        if can(user, "incidents.add_followup", incident)
        else None,
        "affected_form": AffectedForm() if can_change else None,
        "evidence_form": EvidenceForm(),
        "handover_form": HandOverForm(),
        # The figures above count only what the register confirms; say what still waits.
        "awaiting_review": reviews.open_for_incident(incident).count() if can(user, reviews.REVIEW, incident) else 0,
    }
    return render(request, "incidents/incident_detail.html", ctx)


def _form_refusal(form) -> InvalidInput:
    """A form's errors as one refusal whose messages name each field by its label."""

    def labelled(name: str, message: str) -> str:
        field = form.fields.get(name)
        return f"{field.label}: {message}" if field is not None else message

    return InvalidInput({name: [labelled(name, m) for m in msgs] for name, msgs in form.errors.items()})


def _back(request: AuthedRequest, reference: str, exc: DomainError | None = None):
    if exc is not None:
        messages.error(request, said(exc))
    return redirect("incidents:detail", reference=reference)


@login_required
@require_POST
def incident_transition(request: AuthedRequest, reference: str) -> HttpResponse:
    """Closing shows first what stays open (core/confirm.py); only a POST with confirm=yes closes."""
    incident = or_404(queries.get_incident, request.user, reference)
    require(request, "incidents.change_incident", incident)
    to, reason = request.POST.get("to", ""), request.POST.get("reason", "")
    if to == IncidentStatus.CLOSED and incident.status != IncidentStatus.CLOSED and not confirmed(request):
        ctx = {
            "incident": incident,
            "preview": previews.incident_closing(request.user, incident),
            "reason": reason,
            "confirm": CONFIRM,
        }
        return render(request, "incidents/incident_close.html", ctx)
    with errors_flashed(request):
        services.transition_incident(actor=request.user, incident=incident, to=to, reason=reason)
    return _back(request, reference)


@login_required
@require_POST
def follow_up_add(request: AuthedRequest, reference: str) -> HttpResponse:
    incident = or_404(queries.get_incident, request.user, reference)
    require(request, "incidents.add_followup", incident)
    owners = list(queries.follow_up_owners(incident.site_id))
    form = FollowUpForm(request.POST, owners=owners)
    if not form.is_valid():
        return _back(request, reference, _form_refusal(form))
    owner = next(u for u in owners if u.pk == form.cleaned_data["owner"])
    with errors_flashed(request):
        services.add_follow_up(
            actor=request.user,
            incident=incident,
            action=form.cleaned_data["action"],
            owner=owner,
            due_on=form.cleaned_data["due_on"],
        )
    return _back(request, reference)


@login_required
@require_POST
def follow_up_done(request: AuthedRequest, pk: int) -> HttpResponse:
    follow_up = or_404(queries.get_follow_up, request.user, pk)
    with errors_flashed(request):
        services.complete_follow_up(actor=request.user, follow_up=follow_up, outcome=request.POST.get("outcome", ""))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "incidents:follow_ups")


@login_required
def follow_ups(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.view_followup")
    rows = queries.open_follow_ups(request.user)
    by_site: dict[str, list] = {}
    for f in rows:
        by_site.setdefault(str(f.site), []).append(f)
    return render(request, "incidents/follow_ups.html", {"by_site": by_site})


@login_required
@require_POST
def affected_add(request: AuthedRequest, reference: str) -> HttpResponse:
    incident = or_404(queries.get_incident, request.user, reference)
    require(request, "incidents.change_incident", incident)
    form = AffectedForm(request.POST)
    if not form.is_valid():
        return _back(request, reference, _form_refusal(form))
    person = registry_queries.person_at_sites(request.user, form.cleaned_data["person"])
    if person is None:
        return _back(request, reference, InvalidInput({"person": [_("No such person in your sites.")]}))
    with errors_flashed(request):
        services.add_affected_person(
            actor=request.user,
            incident=incident,
            person=person,
            harm=form.cleaned_data["harm"],
            note=form.cleaned_data["note"],
        )
    return _back(request, reference)


@login_required
@require_POST
def evidence_upload(request: AuthedRequest, reference: str) -> HttpResponse:
    incident = or_404(queries.get_incident, request.user, reference)
    require(request, "incidents.add_evidence", incident)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _back(request, reference, InvalidInput({"file": [_("Choose a file.")]}))
    upload = form.cleaned_data["file"]
    with errors_flashed(request) as outcome:
        services.add_evidence(
            actor=request.user,
            incident=incident,
            file=upload,
            name=upload.name,
            description=form.cleaned_data["description"],
        )
    if outcome.ok:
        messages.success(request, _("%(name)s attached.") % {"name": upload.name})
    return _back(request, reference)


@login_required
@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponse | FileResponse:
    ev = or_404(queries.get_evidence, request.user, pk)
    try:  # kept explicit: a download's refusal is plain text with its own status
        fh = services.open_evidence(actor=request.user, evidence=ev)
    except NotFound as exc:
        return HttpResponse(exc.message, status=410, content_type="text/plain; charset=utf-8")
    except Conflict as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    name = evidence_store.download_name(ev.original_name, ev.content_type)
    response = FileResponse(fh, as_attachment=True, filename=name, content_type=ev.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def evidence_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    ev = or_404(queries.get_evidence, request.user, pk)
    with errors_flashed(request):
        services.hand_over_evidence(
            actor=request.user,
            evidence=ev,
            recipient=request.POST.get("recipient", ""),
            note=request.POST.get("note", ""),
        )
    return _back(request, ev.incident.reference)


# --- notifications and deliveries -----------------------------------------------------------


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    page = Paginator(queries.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    alerts.mark_read(user=request.user)
    return redirect("incidents:notifications")


@login_required
def deliveries(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.view_delivery")
    rows = queries.deliveries_for(request.user)
    problems = alerts.pending_problem_deliveries(site_ids(request.user)).count()
    return render(request, "incidents/deliveries.html", {"rows": rows, "problems": problems})


@login_required
@require_POST
def deliveries_retry(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.view_delivery")
    n = alerts.requeue_failed(site_ids=site_ids(request.user))
    messages.success(request, _("%(n)s failed deliveries queued again.") % {"n": n})
    return redirect("incidents:deliveries")


# --- roll calls -------------------------------------------------------------------------------


@login_required
def roll_call_list(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.view_rollcall")
    rows = queries.roll_calls_for(request.user)[:100]
    return render(
        request,
        "incidents/rollcall_list.html",
        {"rows": rows, "can_start": can(request.user, "incidents.add_rollcall")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def roll_call_start(request: AuthedRequest) -> HttpResponse:
    require(request, "incidents.add_rollcall")
    sites = list(sites_for(request.user))
    blocks = list(registry_queries.blocks_of(request.user).select_related("site"))
    form = RollCallForm(
        request.POST or None, sites=sites, blocks=blocks, initial={"incident": request.GET.get("incident", "")}
    )
    if request.method == "POST" and form.is_valid():
        site = next(s for s in sites if s.pk == form.cleaned_data["site"])
        chosen = [b for b in blocks if b.pk in set(form.cleaned_data["blocks"])]
        named = form.cleaned_data["incident"]
        with errors_onto(form) as outcome:
            incident = queries.incident_named(request.user, named, field="incident") if named else None
            rc = rollcall.start_roll_call(actor=request.user, site=site, blocks=chosen, incident=incident)
        if outcome.ok:
            return redirect("incidents:rollcall_mark", pk=rc.pk)
    return render(request, "incidents/rollcall_start.html", {"form": form})


@login_required
def roll_call_mark(request: AuthedRequest, pk: int) -> HttpResponse:
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    return render(
        request,
        "incidents/rollcall_mark.html",
        {
            "rc": rc,
            "results": [(v, label) for v, label in RollCallResult.choices if v != RollCallResult.NOT_YET_CHECKED],
            "can_close": can(request.user, "incidents.close_rollcall", rc) and rc.state == RollCallState.OPEN,
            "counts": rollcall.counts(rc),
        },
    )


@login_required
@require_GET
def roll_call_entries(request: AuthedRequest, pk: int) -> JsonResponse:
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    response = JsonResponse({"state": rc.state, "entries": queries.roll_call_entries(rc)})
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def roll_call_counts(request: AuthedRequest, pk: int) -> JsonResponse:
    rc = or_404(queries.get_roll_call, request.user, pk)
    response = JsonResponse({"state": rc.state, **rollcall.counts(rc)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def roll_call_marks(request: AuthedRequest, pk: int) -> JsonResponse:
    rc = or_404(queries.roll_call_to_mark, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"code": "invalid_input", "detail": "body is not JSON"}, status=400)
    raw = body.get("marks") if isinstance(body, dict) else None
    if not isinstance(raw, list):
        return JsonResponse({"code": "invalid_input", "detail": "marks must be a list"}, status=422)
    marks, rejected = rollcall.parse_marks(raw)
    try:  # kept explicit: the marking page reads JSON, with the API's codes and statuses
        results = rollcall.mark_persons(actor=request.user, roll_call=rc, marks=marks)
    except (NotPermitted, Conflict) as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    # No counts in the answer: the page polls counts.json, and asks for it once its queue is sent.
    return JsonResponse({"results": results + rejected})


@login_required
@require_GET
def roll_call_sheets(request: AuthedRequest, pk: int) -> HttpResponse:
    """The roll call's blocks, each with its printable sheet and the page to enter it."""
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    return render(request, "incidents/rollcall_sheets.html", {"rc": rc, "blocks": sheets.sheet_blocks(rc)})


@login_required
@require_GET
def roll_call_sheet_pdf(request: AuthedRequest, pk: int, block: int) -> HttpResponse:
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    pdf, _sheet = or_404(sheets.print_sheet, actor=request.user, roll_call=rc, block_id=block)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheets.filename(rc, block)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def roll_call_sheet_enter(request: AuthedRequest, pk: int, block: int) -> HttpResponse:
    """A paper sheet's rows, a choice each; the first POST shows what will be recorded, the
    second (confirm=yes) marks them through the phones' service."""
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.mark_rollcall", rc)
    sheet = or_404(sheets.get_sheet, rc, block)
    if rc.state != RollCallState.OPEN:
        messages.error(request, _("This roll call is closed."))
        return redirect("incidents:rollcall_sheets", pk=rc.pk)
    form = SheetEntryForm(request.POST or None, initial={"counted_at": timezone.localtime().replace(second=0)})
    chosen = {r.ref: request.POST.get(f"r-{r.ref}", sheets.NOT_ENTERED) for r in sheet.rows}
    for row in sheet.rows:
        row.entered = chosen[row.ref]
    entry = None
    if request.method == "POST" and form.is_valid():
        with errors_onto(form):
            entry = sheets.parse_entry(
                rc,
                block,
                chosen,
                counted_by=form.cleaned_data["counted_by"],
                counted_at=form.cleaned_data["counted_at"],
            )
            if confirmed(request):
                out = sheets.enter_sheet(actor=request.user, roll_call=rc, entry=entry)
                applied = sum(1 for r in out if r["status"] == "applied")
                messages.success(request, _("%(n)s marks recorded from the paper sheet.") % {"n": applied})
                if applied < len(out):
                    messages.warning(
                        request,
                        _("%(n)s rows were not recorded: a phone marked them after the sheet's time.")
                        % {"n": len(out) - applied},
                    )
                return redirect("incidents:rollcall_mark", pk=rc.pk)
    ctx = {
        "rc": rc,
        "sheet": sheet,
        "form": form,
        "entry": entry,
        "carried": carried(request),
        "confirm": CONFIRM,
        "results": [(r, RollCallResult(r).label) for r in sheets.SHEET_RESULTS],
        "not_entered": sheets.NOT_ENTERED,
    }
    return render(request, "incidents/rollcall_sheet_enter.html", ctx, status=400 if form.errors else 200)


CONFIRM_CLOSE = "yes"


@login_required
@require_http_methods(["GET", "POST"])
def roll_call_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows what closing will change; only a POST carrying confirm=yes closes."""
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.close_rollcall", rc)
    if rc.state != RollCallState.OPEN:
        return redirect("incidents:rollcall_report", pk=rc.pk)
    status = 200
    if request.method == "POST":
        if request.POST.get("confirm") == CONFIRM_CLOSE:
            with errors_flashed(request):
                rollcall.close_roll_call(actor=request.user, roll_call=rc)
            return redirect("incidents:rollcall_report", pk=rc.pk)
        messages.error(request, _("The roll call is still open: confirm below to close it."))
        status = 400
    preview = rollcall.closing_preview(rc)
    ctx = {"rc": rc, "preview": preview, "labels": dict(RollCallResult.choices), "confirm": CONFIRM_CLOSE}
    return render(request, "incidents/rollcall_close.html", ctx, status=status)


@login_required
def roll_call_report(request: AuthedRequest, pk: int) -> HttpResponse:
    rc = or_404(queries.get_roll_call, request.user, pk)
    require(request, "incidents.close_rollcall", rc)
    return render(
        request,
        "incidents/rollcall_report.html",
        {
            "rc": rc,
            "counts": rc.report or rollcall.counts(rc),
            "lists": rollcall.report_lists(rc),
            "labels": dict(RollCallResult.choices),
            "reviews": reviews.reviews_of(rc),
            "can_review": can(request.user, reviews.REVIEW, rc),
            # A resident hurt or not found may need a protection case, opened from the mark.
            "can_open_case": request.user.has_perm("cases.add_protectioncase"),
            "case_results": CASE_RESULTS,
        },
    )


@login_required
def presence_reviews(request: AuthedRequest) -> HttpResponse:
    """The deaths and disappearances seen in roll calls that wait for a protection officer."""
    require(request, reviews.REVIEW)
    return render(
        request, "incidents/presence_reviews.html", {"reviews": reviews.open_reviews(request.user), "can_review": True}
    )


def _act_on_review(request: AuthedRequest, pk: int, act, told) -> HttpResponse:
    """Confirm or reject one observation: call the review service, say what it did or why
    not, and go back to where the officer came from (the queue or the roll call's report)."""
    review = or_404(reviews.get_review, request.user, pk)
    require(request, reviews.REVIEW, review)
    with errors_flashed(request) as outcome:
        done = act(review)
    if outcome.ok:
        messages.success(request, told(done))
    if request.POST.get("next", "") == "queue":
        return redirect("incidents:presence_reviews")
    return redirect("incidents:rollcall_report", pk=review.roll_call_id)


@login_required
@require_POST
def presence_review_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act_on_review(
        request,
        pk,
        lambda review: reviews.confirm_review(actor=request.user, review=review, source=request.POST.get("source", "")),
        lambda done: _("%(name)s: %(state)s.") % {"name": done.person.full_name, "state": done.get_state_display()},
    )


@login_required
@require_POST
def presence_review_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act_on_review(
        request,
        pk,
        lambda review: reviews.reject_review(actor=request.user, review=review, reason=request.POST.get("reason", "")),
        lambda done: _("%(name)s: observation rejected, the register is unchanged.") % {"name": done.person.full_name},
    )


@login_required
@require_GET
def roll_call_service_worker(request: AuthedRequest) -> HttpResponse:
    """The offline worker, served from the roll-call path so that its scope covers the marking pages.

    Only the roles that mark roll calls get it (the browser fetches it with the session cookie).
    """
    require(request, "incidents.view_rollcall")
    response = HttpResponse((STATIC_DIR / "rollcall-sw.js").read_bytes(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/incidents/roll-calls/"
    response["Cache-Control"] = "no-cache"
    return response
