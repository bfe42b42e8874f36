"""The administrator's user pages: the users of their sites, a new user, and one user's
role, sites, active flag, password reset and second-factor enrolment code.

Parse, call one service, render. Who may be managed is decided by `queries.users_for` and
again by each service (`services.manages`); a user outside the actor's sites is a 404.
A generated password or enrolment code is rendered once in the answer to the POST, never
put in a redirect, a message or the session.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asylon.core.edges import attach_errors, or_404, require
from asylon.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from asylon.core.listing import listing
from asylon.core.types import AuthedRequest
from asylon.registry.queries import sites_for

from . import queries, services
from .forms import AccountForm, NewUserForm
from .models import User


def _managed(request: AuthedRequest, pk: int) -> User:
    require(request, "accounts.change_user")
    return or_404(queries.get_user, request.user, pk)


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    require(request, "accounts.change_user")
    rows = listing(request, queries.users_for(request.user), USER_SORTS, default="username")
    return render(request, "accounts/user_list.html", {"listing": rows})


USER_SORTS = {"username": ["username"], "active": ["is_active"], "login": ["last_login"]}


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: AuthedRequest) -> HttpResponse:
    require(request, "accounts.add_user")
    form = NewUserForm(request.POST or None, sites=sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.create_user(
                actor=request.user, username=data["username"], role=data["role"], sites=data["sites"]
            )
        except (InvalidInput, NotPermitted) as exc:
            _show(exc, form)
        else:
            return render(request, "accounts/user_secret.html", {"subject": account.user, "account": account})
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed(request, pk)
    initial = {"role": next(iter(user.role_names), None), "sites": list(user.sites.all()), "is_active": user.is_active}
    form = AccountForm(request.POST or None, initial=initial, sites=sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_account(
                actor=request.user, user=user, role=data["role"], sites=data["sites"], is_active=data["is_active"]
            )
        except (InvalidInput, NotPermitted, Conflict) as exc:
            _show(exc, form)
        else:
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": user, "form": form, "tokens": queries.tokens_of(user), "is_self": user.pk == request.user.pk},
    )


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    return _issue(request, pk, services.reset_password, "password")


@login_required
@require_POST
def user_enrolment_code(request: AuthedRequest, pk: int) -> HttpResponse:
    return _issue(request, pk, services.issue_enrolment_code, "enrolment_code")


def _issue(request: AuthedRequest, pk: int, service, what: str) -> HttpResponse:
    """Call a service that returns a secret and show it once, or show why not."""
    user = _managed(request, pk)
    try:
        secret = service(actor=request.user, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (NotPermitted, Conflict) as exc:
        context = {"subject": user, "reason": exc.message}
        return render(request, "accounts/user_refused.html", context, status=exc.status)
    return render(request, "accounts/user_secret.html", {"subject": user, what: secret})


def _show(exc: InvalidInput | NotPermitted | Conflict, form) -> None:
    """Kept apart from `errors_onto`: what an administrator may not grant (a role above their
    own, a site outside theirs) is said on the form, not a 404."""
    if isinstance(exc, InvalidInput):
        attach_errors(exc, form)
    else:
        form.add_error(None, exc.message or _("This change is not allowed."))
