"""Pages of `matching`: search, the duplicate check before registering, the review queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.confirm import CONFIRM, confirmed
from asylon.core.edges import or_404, require
from asylon.core.errors import Conflict, DomainError, InvalidInput, NotPermitted
from asylon.core.i18n import format_date
from asylon.core.listing import listing
from asylon.core.scope import can
from asylon.core.types import AuthedRequest
from asylon.registry import queries as registry_queries

from . import batch, candidates, merges, queries, search
from .models import CandidateStatus

# The pair's fields side by side, each in words and in the reader's calendar.
COMPARED_ON_THE_PAGE = (
    (_("Given name"), lambda p: p.given_name),
    (_("Father's name"), lambda p: p.fathers_name),
    (_("Family name"), lambda p: p.family_name),
    (_("Name (original script)"), lambda p: p.full_name_original),
    (_("Date of birth"), lambda p: format_date(p.date_of_birth, precision=p.dob_precision)),
    (_("Sex"), lambda p: p.get_sex_display()),
    (_("Site"), lambda p: p.site),
    (_("Presence"), lambda p: p.get_presence_display()),
)


@login_required
def person_search(request: AuthedRequest) -> HttpResponse:
    require(request, "registry.view_person")
    q = request.GET.get("q", "").strip()
    hits = search.search_persons(request.user, q, limit=20) if q else []
    return render(request, "matching/search.html", {"q": q, "hits": hits})


@login_required
def duplicate_check(request: AuthedRequest) -> HttpResponse:
    """Shows the probable existing records of a person before the clerk registers them."""
    require(request, "registry.add_household")
    sites = list(registry_queries.sites_for(request.user))
    fields = ("given_name", "fathers_name", "family_name", "date_of_birth", "sex")
    data = {f: request.GET.get(f, "").strip() for f in fields}
    site = next((s for s in sites if s.code == request.GET.get("site")), sites[0] if sites else None)
    matches = []
    if site is not None and (data["given_name"] or data["family_name"]):
        try:
            matches = candidates.find_matches_for(data, site)
        except ValueError:
            matches = []
    return render(request, "matching/check.html", {"data": data, "sites": sites, "site": site, "matches": matches})


@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    require(request, "matching.view_duplicatecandidate")
    rows = listing(request, candidates.candidates_for(request.user), PAIR_SORTS, default="-probability")
    return render(request, "matching/queue.html", {"listing": rows})


PAIR_SORTS = {"probability": ["probability"], "first": ["person_a__reference"], "second": ["person_b__reference"]}


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request, "matching.view_duplicatecandidate")
    candidate = or_404(queries.get_candidate, request.user, pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "").strip()
        try:
            if action == "merge":
                # Which reference survives is the reviewer's choice: none is made for them.
                keep = request.POST.get("survivor", "")
                a, b = candidate.person_a, candidate.person_b
                pair = {a.reference: (a, b), b.reference: (b, a)}
                if keep not in pair:
                    choose = str(_("Choose the reference to keep."))
                    raise InvalidInput({"survivor": [choose]}, message=choose)
                survivor, merged = pair[keep]
                if not all(can(request.user, "matching.merge_person", p) for p in (survivor, merged)):
                    raise Http404
                if not confirmed(request):
                    ctx = {
                        "c": candidate,
                        "survivor": survivor,
                        "merged": merged,
                        "moves": merges.what_moves_in_words(merged),
                        "note": note,
                        "confirm": CONFIRM,
                    }
                    return render(request, "matching/merge_confirm.html", ctx)
                merges.merge_persons(actor=request.user, survivor=survivor, merged=merged, reason=note)
                return redirect("registry:person_detail", reference=survivor.reference)
            candidates.decide_candidate(actor=request.user, candidate=candidate, decision=action, note=note)
            return redirect("matching:queue")
        except NotPermitted as exc:
            raise Http404 from exc
        except (InvalidInput, Conflict) as exc:
            # Kept explicit: the pair's page shows the refusal as the sentence the service
            # wrote (an InvalidInput's summary), not on a form.
            error = exc.message
    a, b = candidate.person_a, candidate.person_b
    rows = [(label, shown(a), shown(b)) for label, shown in COMPARED_ON_THE_PAGE]
    return render(
        request,
        "matching/candidate.html",
        {
            "c": candidate,
            "rows": rows,
            "error": error,
            "open": candidate.status == CandidateStatus.OPEN,
            "can_decide": can(request.user, "matching.decide_duplicatecandidate", a),
        },
    )


@login_required
@require_POST
def merge_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    merge = or_404(queries.get_merge, request.user, pk)
    require(request, "matching.unmerge_person", merge.survivor)
    try:
        or_404(merges.unmerge, actor=request.user, merge=merge, reason=request.POST.get("reason", ""))
    except DomainError as exc:  # a merge that cannot be undone has its own page
        return render(request, "matching/undo_failed.html", {"error": exc.message}, status=409)
    return redirect("registry:person_detail", reference=merge.merged.reference)


@login_required
@require_POST
def detect(request: AuthedRequest) -> HttpResponse:
    """Start batch duplicate detection over one of the actor's sites, on the queue; the job's
    page shows its progress."""
    require(request, "matching.decide_duplicatecandidate")
    sites = list(registry_queries.sites_for(request.user))
    site = next((s for s in sites if s.code == request.POST.get("site")), sites[0] if sites else None)
    if site is None:
        raise Http404
    job = or_404(batch.start_detection, actor=request.user, site=site)
    return redirect("jobs:job", pk=job.pk)
