"""Register pages: parse, call a service or query, render. No business rule here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asylon.core.edges import attach_errors, errors_flashed, errors_onto, or_404, require
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.listing import listing
from asylon.core.scope import can
from asylon.core.types import AuthedRequest
from asylon.matching import registration
from asylon.sharing.guard import guard_read, recipient_of

from . import photos, queries, services
from .forms import CorrectionForm, HouseholdForm, MemberFormSet, PersonFilterForm, PresenceCorrectionForm
from .models import NeedStatus

# What the person page shows to a partner (sensitive fields are never shown to partners).
PERSON_PAGE_FIELDS = (
    "reference",
    "full_name",
    "full_name_original",
    "site",
    "unit",
    "household",
    "sex",
    "date_of_birth",
    "nationality",
    "country_of_origin",
    "languages",
    "registered_on",
    "presence",
    "specific_needs",
)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Every user starts on their own work (asylon.mywork), whatever their role."""
    return redirect("mywork:home")


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    require(request, "registry.view_person")
    sites = list(queries.sites_for(request.user))
    blocks = queries.blocks_of(request.user).select_related("site")
    form = PersonFilterForm(request.GET or None, sites=sites, blocks=blocks)
    filters = queries.PersonFilters()
    if form.is_valid():
        filters = queries.PersonFilters(**{k: v or None for k, v in form.cleaned_data.items()})
    rows = listing(request, queries.person_list(request.user, filters), PERSON_SORTS, default="reference")
    return render(request, "registry/person_list.html", {"form": form, "listing": rows})


# The columns a person list sorts by (`core.listing`): never a sensitive field.
PERSON_SORTS = {
    "reference": ["reference"],
    "name": ["family_name", "given_name", "fathers_name"],
    "sex": ["sex"],
    "born": ["date_of_birth"],
    "unit": ["unit__parent__name", "unit__name"],
    "presence": ["presence"],
}


def _person_for_page(user, reference: str):
    """The person, or a 404. A partner is told the rule (D3) without learning whether the
    person exists: one not shared with its organisation does not exist for it."""
    try:
        return queries.get_person(user, reference)
    except NotFound as exc:
        if recipient_of(user) is None:
            raise Http404(exc.message) from exc
        raise NotFound(
            _(
                "Rule D3: your organisation sees only the members of cases submitted to it. "
                "No such person is shared with it."
            )
        ) from exc


@login_required
def person_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    """The person's page. For a partner every view is a release (D6): a refused release
    (`SafeguardRefusal`) leaves the view and is the translated 403 page that names the rule
    (`core.middleware.DomainErrorPages`), and nothing is shown."""
    person = _person_for_page(request.user, reference)
    guard_read(request.user, [person], fields=PERSON_PAGE_FIELDS, channel="page:registry:person_detail")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "membership": queries.current_household(person),
            "sensitive": queries.read_sensitive(request.user, person),
            "needs": queries.visible_needs(request.user, person),
            "can_correct": can(request.user, "registry.change_person", person),
            "can_correct_presence": can(request.user, services.CORRECT_PRESENCE, person),
            # A partner's page releases PERSON_PAGE_FIELDS and the photo is not one of them: it
            # reads the photo through its own route, where that release is decided (D3-D6).
            "photo": None if recipient_of(request.user) else photos.current_photo(person),
            "photo_max_mb": photos.STORE.max_bytes() // (1024 * 1024),
            # A need still flagged or confirmed offers to open a protection case from it.
            "open_need_states": (NeedStatus.FLAGGED, NeedStatus.CONFIRMED),
        },
    )


@login_required
@require_GET
def person_photo(request: AuthedRequest, reference: str) -> FileResponse:
    """The person's current photo, for whoever may see the person; each read is audited."""
    person = _person_for_page(request.user, reference)
    guard_read(request.user, [person], fields=photos.PHOTO_FIELDS, channel="page:registry:person_photo")
    photo, fh = or_404(photos.open_photo, actor=request.user, person=person)
    return photo_response(photo, fh)


def photo_response(photo, fh) -> FileResponse:
    """The bytes as the type they proved, never cached, never run as anything but an image."""
    response = FileResponse(fh, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def person_photo_upload(request: AuthedRequest, reference: str) -> HttpResponse:
    person = or_404(queries.get_person, request.user, reference)
    require(request, "registry.change_person", person)
    upload = request.FILES.get("photo")
    with errors_flashed(request) as outcome:
        photos.set_photo(actor=request.user, person=person, file=upload, name=upload.name if upload else "")
    if outcome.ok:
        messages.success(request, _("The photo is saved."))
    return redirect("registry:person_detail", reference=person.reference)


@login_required
@require_http_methods(["GET", "POST"])
def person_correct(request: AuthedRequest, reference: str) -> HttpResponse:
    person = or_404(queries.get_person, request.user, reference)
    require(request, "registry.change_person", person)
    fields = [f for f in CorrectionForm.base_fields if f != "reason"]
    initial = {f: getattr(person, f) for f in fields}
    form = CorrectionForm(request.POST or None, initial=initial, site=person.site)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        changes = {
            k: v
            for k, v in data.items()
            if v != initial.get(k) and not (v in (None, "") and initial.get(k) in (None, ""))
        }
        with errors_onto(form) as outcome:
            services.correct_person(actor=request.user, person=person, changes=changes, reason=reason)
        if outcome.ok:
            return redirect("registry:person_detail", reference=person.reference)
    return render(request, "registry/person_correct.html", {"person": person, "form": form})


# What the duplicate-check page carries into the form's first member ("register this household").
CARRIED = ("given_name", "fathers_name", "family_name", "sex", "date_of_birth")


@login_required
@require_http_methods(["GET", "POST"])
def household_register(request: AuthedRequest) -> HttpResponse:
    """The household form. Before saving, each member is checked against the register
    (`matching.registration`); probable matches are shown for the clerk to decide."""
    require(request, "registry.add_household")
    sites = list(queries.sites_for(request.user))
    units = queries.units_for(request.user)
    if request.method == "GET":
        carried = {f: request.GET[f].strip() for f in CARRIED if request.GET.get(f, "").strip()}
        form = HouseholdForm(initial={"site": request.GET.get("site", "")}, sites=sites, units=units)
        formset = MemberFormSet(prefix="members", initial=[carried] if carried else None)
        return render(request, "registry/household_register.html", {"form": form, "formset": formset})
    form = HouseholdForm(request.POST, sites=sites, units=units)
    formset = MemberFormSet(request.POST, prefix="members")
    if "add_member" in request.POST:
        # One more empty row, keeping what was typed (works without JavaScript).
        data = request.POST.copy()
        data["members-TOTAL_FORMS"] = str(int(data.get("members-TOTAL_FORMS", "1")) + 1)
        formset = MemberFormSet(data, prefix="members")
        form = HouseholdForm(data, sites=sites, units=units)
        return render(request, "registry/household_register.html", {"form": form, "formset": formset, "fresh": True})
    undecided = 0
    if form.is_valid() and formset.is_valid():
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
        unit = next((u for u in units if u.pk == form.cleaned_data["unit"]), None)
        # Blank rows are dropped; `filled` maps member indexes back to the rows on screen.
        filled = [i for i, f in enumerate(formset.forms) if f.has_changed() and f.cleaned_data]
        members = [formset.forms[i].to_member() for i in filled]
        decisions = {k: request.POST.get(f"members-{row}-duplicate", "") for k, row in enumerate(filled)}
        try:
            done = registration.register_checked(
                actor=request.user,
                site=site,
                unit=unit,
                arrival_date=form.cleaned_data["arrival_date"],
                members=members,
                decisions=decisions,
            )
        except InvalidInput as exc:
            # Kept explicit: the rows on screen are not the service's members (blank rows
            # are dropped), and undecided duplicates show their matches under each row.
            if isinstance(exc, registration.DuplicatesUndecided):
                undecided = len(exc.found)
                for k, matches in exc.found.items():
                    row = formset.forms[filled[k]]
                    row.matches = matches  # type: ignore[attr-defined]
                    row.decision = decisions[k]  # type: ignore[attr-defined]
            attach_errors(_on_screen(exc, filled), form, formset)
        else:
            return redirect("registry:household_detail", reference=done.household.reference)
    return render(
        request, "registry/household_register.html", {"form": form, "formset": formset, "undecided": undecided}
    )


def _on_screen(exc: InvalidInput, filled: list[int]) -> InvalidInput:
    """A service's errors keyed by member index, re-keyed by the form's row."""
    remapped = {}
    for path, msgs in exc.errors.items():
        parts = path.split(".")
        if parts[0] == "members" and len(parts) > 1 and parts[1].isdigit():
            parts[1] = str(filled[int(parts[1])])
        remapped[".".join(parts)] = msgs
    return InvalidInput(remapped)


@login_required
def household_detail(request: AuthedRequest, reference: str) -> HttpResponse:
    household = or_404(queries.get_household, request.user, reference)
    return render(
        request,
        "registry/household_detail.html",
        {"household": household, "members": queries.current_members(household)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_presence(request: AuthedRequest, reference: str) -> HttpResponse:
    """Correct a person's presence with a reason (protection officers)."""
    person = or_404(queries.get_person, request.user, reference)
    require(request, services.CORRECT_PRESENCE, person)
    form = PresenceCorrectionForm(request.POST or None, initial={"presence": person.presence})
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as outcome:
            services.correct_presence(
                actor=request.user,
                person=person,
                presence=form.cleaned_data["presence"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            return redirect("registry:person_detail", reference=person.reference)
    return render(request, "registry/person_presence.html", {"person": person, "form": form})
