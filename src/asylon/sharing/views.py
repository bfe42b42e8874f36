"""The data-sharing page: recipients, their agreements, the partner accounts acting for
them, and the log of disclosures. Parse, call a service, render; no business rule here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asylon.core.edges import errors_onto, or_404, require
from asylon.core.types import AuthedRequest

from . import forms as f
from . import queries, services


def _record(request: AuthedRequest, what: str, data: dict) -> None:
    """Call the one service the submitted form stands for (recipient, agreement, link)."""
    if what == "recipient":
        services.create_recipient(actor=request.user, **data)
        return
    recipient = or_404(queries.get_recipient, request.user, data.pop("recipient"))
    if what == "link":
        user = or_404(queries.get_partner_user, request.user, data["user"])
        services.link_recipient_user(actor=request.user, recipient=recipient, user=user)
        return
    data["fields"] = [x for x in data.pop("field_list").split(",") if x.strip()]
    services.record_sharing_agreement(actor=request.user, recipient=recipient, **data)


@login_required
@require_http_methods(["GET", "POST"])
def recipients(request: AuthedRequest) -> HttpResponse:
    """Recipients, their agreements and the partner accounts acting for them. Whoever may
    manage recipients (protection officers, administrators) records them here; a D1 refusal
    or a bad field shows on the form it came from, and nothing is recorded."""
    require(request, "movements.view_recipient")
    what = request.POST.get("what") if request.method == "POST" else None
    rows = queries.recipients_for(request.user)
    forms_by_what = {
        "recipient": f.RecipientForm(request.POST if what == "recipient" else None),
        "agreement": f.AgreementForm(request.POST if what == "agreement" else None),
        "link": f.PartnerLinkForm(
            request.POST if what == "link" else None,
            recipients=rows,
            users=queries.partner_users_for(request.user),
            auto_id="link_%s",
        ),
    }
    form = forms_by_what.get(what or "")
    if form is not None and form.is_valid():
        with errors_onto(form) as outcome:
            _record(request, what or "", dict(form.cleaned_data))
        if outcome.ok:
            messages.success(request, _("Recorded."))
            return redirect("sharing:recipients")
    return render(
        request,
        "sharing/recipients.html",
        {
            "recipients": rows,
            "disclosures": queries.disclosures_for(request.user)[:50],
            "recipient_form": forms_by_what["recipient"],
            "agreement_form": forms_by_what["agreement"],
            "link_form": forms_by_what["link"],
            "can_manage": request.user.has_perm("movements.manage_recipients"),
        },
    )
