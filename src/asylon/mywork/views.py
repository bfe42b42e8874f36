"""My work: the page every user lands on, listing what is theirs to do across the system."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

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
        {"groups": groups, "today": on, "pages": [p for p in START_PAGES if request.user.has_perm(p[0])][:4]},
    )


# The pages a role works from, first first: shortcuts under the list, so a phone reaches its
# usual page in one tap (a statistics viewer's statistics, a partner's cases) from its start.
START_PAGES = [
    ("registry.view_person", "registry:person_list", _("Persons")),
    ("incidents.view_incident", "incidents:list", _("Incidents")),
    ("incidents.view_rollcall", "incidents:rollcall_list", _("Roll calls")),
    ("status.view_rsdcase", "status:case_list", _("RSD cases")),
    ("solutions.view_resettlementcase", "solutions:case_list", _("Resettlement cases")),
    ("reports.view_statistics", "reports:statistics", _("Statistics")),
    ("accounts.view_user", "accounts:user_list", _("Users")),
]
