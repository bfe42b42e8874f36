"""Users and roles over the API, for the administrator: the same reads and services as the
user pages (`user_views.py`).

Who may be managed is decided by `queries.users_for` and again by each service
(`services.manages`): a user with a site outside the caller's, or a superuser, is a 404.
Nothing here returns a password hash, a second-factor secret or an API token; the password
generated for a new user, and their enrolment code when their role needs a second factor,
are in the answer to the POST that created them, once, as the page shows them once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import MinLen
from ninja import Field, Path, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, requires
from asylon.core.errors import InvalidInput
from asylon.core.types import Actor, AuthedRequest
from asylon.registry.models import Site
from asylon.registry.queries import site_in_scope

from . import queries, services
from .models import User
from .roles import ROLE_PERMISSIONS, SENSITIVE_ROLES, Role
from .twofactor import confirmed_device

router = Router(tags=["users"])

MANAGE = "accounts.change_user"
CREATE = "accounts.add_user"
SITES_MAX = 100  # far more than any administrator works in


class UserOut(Schema):
    id: int = Field(examples=[17])
    username: str = Field(examples=["clerk-lib-2"])
    role: str | None = Field(description="One of GET /roles", examples=["registration_clerk"])
    sites: list[str] = Field(description="Codes of the sites the user works in", examples=[["LIB"]])
    is_active: bool = Field(description="May log in and use a token", examples=[True])
    language: str = Field(description="Interface language; empty: as the browser asks", examples=["fa"])
    second_factor_enrolled: bool = Field(examples=[False])
    last_login: datetime | None = Field(examples=["2013-05-01T08:02:00Z"])
    date_joined: datetime = Field(examples=["2013-04-02T09:00:00Z"])

    @staticmethod
    def resolve_role(user: User) -> str | None:
        return next(iter(sorted(user.role_names)), None)

    @staticmethod
    def resolve_sites(user: User) -> list[str]:
        return sorted(s.code for s in user.sites.all())

    @staticmethod
    def resolve_second_factor_enrolled(user: User) -> bool:
        return confirmed_device(user) is not None


class NewUserOut(Schema):
    user: UserOut
    password: str = Field(description="Generated; shown this once, hand it over", examples=["k3Vq9xTzQ0bR7mW2nY5a"])
    enrolment_code: str | None = Field(
        description="For a role that logs in with a second factor: shown this once", examples=["ABCD-EFGH-JKLM"]
    )


class NewUserIn(Schema):
    username: Annotated[str, FromModel(User, "username"), MinLen(1)] = Field(examples=["clerk-lib-2"])
    role: Line = Field(description="One of GET /roles", examples=["registration_clerk"])
    sites: list[Line] = Field(
        description="Codes of sites you work in", min_length=1, max_length=SITES_MAX, examples=[["LIB"]]
    )
    language: Annotated[str, FromModel(User, "language")] = Field(
        "", description="Interface language (en, fa, ar); empty: as the browser asks", examples=["fa"]
    )


class UserChangeIn(Schema):
    """Only the fields sent change; each change is one event on the trail."""

    role: Line | None = Field(None, examples=["field_monitor"])
    sites: list[Line] | None = Field(
        None, description="Codes of sites you work in", min_length=1, max_length=SITES_MAX, examples=[["LIB"]]
    )
    is_active: bool | None = Field(None, description="false deactivates the user", examples=[False])


class UserPath(Schema):
    user_id: Id = Field(examples=[17])


class RoleOut(Schema):
    code: str = Field(examples=["registration_clerk"])
    label: str = Field(examples=["Registration clerk"])
    second_factor: bool = Field(description="Users of this role log in with a second factor", examples=[False])
    permissions: list[str] = Field(examples=[["registry.add_person", "registry.view_person"]])

    @staticmethod
    def resolve_code(role: Role) -> str:
        return role.value

    @staticmethod
    def resolve_label(role: Role) -> str:
        return str(role.label)

    @staticmethod
    def resolve_second_factor(role: Role) -> bool:
        return role in SENSITIVE_ROLES

    @staticmethod
    def resolve_permissions(role: Role) -> list[str]:
        return sorted(ROLE_PERMISSIONS[role])


def _sites(actor: Actor, codes: list[str]) -> list[Site]:
    return [site_in_scope(actor, code, field="sites") for code in dict.fromkeys(codes)]


@router.get("/users", response=list[UserOut], auth=requires(MANAGE), summary="List the users you manage")
def list_users(request: AuthedRequest):
    """The users whose every site is one of yours, by username (the user list page)."""
    return queries.users_for(request.user)


@router.post("/users", response={201: NewUserOut}, auth=requires(CREATE), summary="Create a user")
def create_user(request: AuthedRequest, payload: NewUserIn):
    """A user with one role and sites you work in; the answer holds the generated password
    (and the enrolment code of a role that needs a second factor), shown this once."""
    account = services.create_user(
        actor=request.user,
        username=payload.username,
        role=payload.role,
        sites=_sites(request.user, payload.sites),
        language=payload.language,
    )
    return Status(201, account)


@router.get("/users/{user_id}", response=UserOut, auth=requires(MANAGE), summary="Read one user")
def get_user(request: AuthedRequest, path: Path[UserPath]):
    return queries.get_user(request.user, path.user_id)


@router.patch(
    "/users/{user_id}", response=UserOut, auth=requires(MANAGE), summary="Change a user's role, sites or active flag"
)
def change_user(request: AuthedRequest, path: Path[UserPath], payload: UserChangeIn):
    """Role, sites and active flag, all or nothing, as the user page changes them; a field
    not sent keeps its value. `"is_active": false` deactivates the user."""
    user = queries.get_user(request.user, path.user_id)
    role = payload.role if payload.role is not None else UserOut.resolve_role(user)
    if role is None:
        raise InvalidInput({"role": ["This user holds no role: choose one."]})
    services.update_account(
        actor=request.user,
        user=user,
        role=role,
        sites=_sites(request.user, payload.sites) if payload.sites is not None else list(user.sites.all()),
        is_active=payload.is_active if payload.is_active is not None else user.is_active,
    )
    return queries.get_user(request.user, path.user_id)


@router.get("/roles", response=list[RoleOut], auth=requires(MANAGE), summary="List roles and their permissions")
def list_roles(request: AuthedRequest):
    """Every role a user can be given, with the permission codenames it holds (roles.py)."""
    return list(Role)
