"""Types the whole code base shares.

`Actor` is the signed-in user every service, query and edge acts for (`accounts.models.User`).
`AnyUser` is whoever asks, signed in or not (the scope checks answer for both).
`AuthedRequest` is the request a page behind `login_required`, or an API route behind
`requires(...)`, receives: its user is signed in. Core sits below accounts, so both name the
user model for the type checker only; at run time the annotations are never evaluated (every
module has `from __future__ import annotations`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from asylon.accounts.models import User

    Actor: TypeAlias = User
    AnyUser: TypeAlias = User | AnonymousUser

    class AuthedRequest(HttpRequest):
        user: User
        auth: User

else:
    Actor = AnyUser = object
    AuthedRequest = HttpRequest
