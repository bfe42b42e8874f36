"""My work: the page every user lands on, listing what is theirs to do across the system."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from asylon.core.dates import today
from asylon.core.edges import require
from asylon.core.types import AuthedRequest

from . import queries


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    """Every role has a page of its own work: the sources answer only for what the user may
    know (an empty page says so)."""
    require(request, "accounts.view_own_work")  # every role has it; an account with no role does not
    on = today()
    groups = queries.groups_for(request.user, on)
    return render(
        request,
        "mywork/my_work.html",
        {"groups": groups, "today": on},
    )
