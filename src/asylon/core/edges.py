"""The pages' edge kit: what stands between a request and a service, in one line each.

A page view reads as parse → call the service → render::

    @login_required
    def incident_close(request, reference):
        incident = or_404(queries.get_incident, request.user, reference)
        require(request, "incidents.change_incident", incident)
        form = CloseForm(request.POST or None)
        if form.is_valid():
            with errors_onto(form) as outcome:
                services.close_incident(actor=request.user, incident=incident, **form.cleaned_data)
            if outcome.ok:
                return redirect(incident)
        return render(request, "incidents/close.html", {"form": form})

A page never says 403: what a role may not see, or what lies outside the actor's sites, does
not exist for them (404), so that a guessed address says nothing about who is registered
where (DESIGN.md, "Scope"). The API's edge is `core.api_edge`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest

from .errors import DomainError, InvalidInput, NotFound, NotPermitted
from .scope import can

T = TypeVar("T")


def or_404(lookup: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`lookup(*args)` (a query's `get_…(actor, key)`), or 404 when it finds nothing in scope."""
    try:
        return lookup(*args, **kwargs)
    except (NotFound, NotPermitted) as exc:
        raise Http404(exc.message) from exc


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """404 unless the signed-in user holds `perm` (for `obj`, in its site)."""
    if not can(request.user, perm, obj):
        raise Http404


def attach_errors(
    exc: InvalidInput, form: forms.Form, formset: forms.BaseFormSet | None = None, *, list_name: str = "members"
) -> None:
    """Show a service's field errors on the form (or on the matching formset row)."""
    for path, messages in exc.errors.items():
        parts = path.split(".")
        target, field = form, parts[0]
        if formset is not None and parts[0] == list_name and len(parts) >= 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(formset.forms):
                target, field = formset.forms[index], parts[2]
        for msg in messages:
            target.add_error(field if field in target.fields else None, msg)


class errors_onto:  # noqa: N801 - used as a statement: `with errors_onto(form) as outcome:`
    """Map the domain errors a service raises onto the form that sent its input.

    * `InvalidInput`: each message on the field it names (`rename` maps the service's field
      names to the form's; `formset` receives `members.N.field` paths);
    * `NotFound`, `NotPermitted`: 404, as everywhere on the pages;
    * any other `DomainError` (a conflict, a safeguard's refusal): a message above the form.

    The block's error is swallowed once it is on the form; `outcome.ok` says whether the
    service succeeded. Catch what a page shows otherwise (a refusal page) inside the block.
    """

    def __init__(
        self,
        form: forms.Form,
        formset: forms.BaseFormSet | None = None,
        *,
        rename: Mapping[str, str] | None = None,
        list_name: str = "members",
    ):
        self.form = form
        self.formset = formset
        self.rename = dict(rename or {})
        self.list_name = list_name
        self.ok = True
        self.error: DomainError | None = None

    def __enter__(self) -> errors_onto:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None or not isinstance(exc, DomainError):
            return False
        if isinstance(exc, (NotFound, NotPermitted)):
            raise Http404(exc.message) from exc
        if isinstance(exc, InvalidInput):
            if self.rename:
                exc = InvalidInput({self.rename.get(k, k): v for k, v in exc.errors.items()}, exc.message)
            attach_errors(exc, self.form, self.formset, list_name=self.list_name)  # type: ignore[arg-type]
        else:
            self.form.add_error(None, exc.message)
        self.ok = False
        self.error = exc
        return True


class errors_flashed:  # noqa: N801 - used as a statement: `with errors_flashed(request) as outcome:`
    """Say a service's refusal on the next page, for a button that posts and goes back.

    The same mapping as `errors_onto`, where there is no form to show it on: `NotFound` and
    `NotPermitted` are 404; an `InvalidInput` is one message joining its sentences; any other
    `DomainError` is its message. `outcome.ok` says whether the service succeeded.
    """

    def __init__(self, request: HttpRequest):
        self.request = request
        self.ok = True
        self.error: DomainError | None = None

    def __enter__(self) -> errors_flashed:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None or not isinstance(exc, DomainError):
            return False
        if isinstance(exc, (NotFound, NotPermitted)):
            raise Http404(exc.message) from exc
        flash.error(self.request, said(exc))
        self.ok = False
        self.error = exc
        return True


def said(exc: DomainError) -> str:
    """A refusal in one line: an `InvalidInput`'s sentences without their field names."""
    if isinstance(exc, InvalidInput):
        return "; ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message
