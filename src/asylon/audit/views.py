"""The audit trail page for administrators and protection officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from asylon.core.edges import require
from asylon.core.types import AuthedRequest

from . import queries
from .forms import EventFilterForm

PAGE_SIZE = 100


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    require(request, "audit.view_audit_trail")
    form = EventFilterForm(request.GET or None)
    filters = queries.EventFilters()
    if form.is_valid():
        filters = queries.EventFilters(**{k: v or None for k, v in form.cleaned_data.items()})
    page = Paginator(queries.events_for(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, queries.change_lines(event)) for event in page]
    return render(
        request, "audit/event_list.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )
