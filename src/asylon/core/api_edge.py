"""The API's edge: who may call a route, and which input it accepts, decided before a handler runs.

Every route of `asylon.api` declares both, and two tests hold it to that
(`tests/api/test_edge_rules.py`):

* **Permission before input.** `requires(perm, ...)` is the route's `auth=`: it signs the
  caller in exactly as the API's default authentication does (`settings.ASYLON_API_AUTH`,
  `accounts.api_auth`: a personal token or a verified session) and then refuses, with 403 and
  `{"code": "not_permitted", ...}`, a caller whose role holds none of the named
  permissions. django-ninja runs authentication before it parses a single parameter, so a
  role with no right to the route learns nothing from its input: no 422, no 409 (the
  role-before-input rule, for malformed bodies too). Whether the object lies in the
  caller's sites stays the service's and the query's check (outside them: 404).

* **Input the databases can store.** Every string the API reads (path, query, body) is a
  `Line`, a `Text` or a `FromModel` string: control characters are refused (a NUL byte
  would be a 500 on PostgreSQL; tab and line breaks only where the text allows them) and
  its length is bounded, by the model field it fills where there is one (so SQLite, which
  enforces no length, stores no more than PostgreSQL would). Every integer is bounded too
  (ids and offsets within 64 bits, counts within the model field's range), so that no
  number reaches the database that it cannot hold. A refusal is a 422 whose `detail` names
  the field and the reason.

* **Outputs built by their schemas.** A route returns what a query or a service gives it
  (the model, or a small object) and its `response=` Schema builds the JSON: plain fields by
  name, related ones by `Field(alias="site.code")`, computed ones by `resolve_<field>`. A
  field only some readers may see is resolved against the reader of the response
  (`context["request"].user`) and never read plainly from the model, where an attribute of
  the same name would hand it to every reader (a person's `sensitive` profile, an incident's
  narrative, an RSD case's confidential notes, what a partner may not read). Reads go through
  the owning app's queries; `tests/api/test_output_schemas.py` holds the routers to both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Ge, Le, MaxLen
from django.conf import settings
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.module_loading import import_string
from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

from asylon.core.errors import NotPermitted

# --- permission before input -----------------------------------------------------------------


class PermissionGuard:
    """Mixed into a copy of one of the API's authentication classes: after it has signed the
    caller in, the caller's role must hold one of `perms` (in any of their sites)."""

    perms: tuple[str, ...] = ()

    def __call__(self, request):
        user = super().__call__(request)  # type: ignore[misc]
        if user and not any(user.has_perm(perm) for perm in self.perms):
            raise NotPermitted(f"Your role does not allow this ({' or '.join(self.perms)}).")
        return user


_GUARDED: dict[type, type] = {}


def _guarded(auth: Any, perms: tuple[str, ...]) -> Any:
    cls = type(auth)
    # Same class name as the authentication it guards: the OpenAPI document names its security
    # schemes after the class, so a client sees the same two ways in on every route.
    guarded_cls = _GUARDED.setdefault(cls, type(cls.__name__, (PermissionGuard, cls), {}))
    guard: Any = object.__new__(guarded_cls)
    guard.__dict__.update(auth.__dict__)  # the instance's own settings (e.g. a session's CSRF check)
    guard.perms = perms
    return guard


def requires(*perms: str) -> list[Any]:
    """The `auth=` of a route open to the roles holding any of `perms`.

    Authenticates with the API's own classes (`settings.ASYLON_API_AUTH`, the list the API
    itself is built with, not a copy, so that what they check, they check here too), then
    refuses with 403 before the request's parameters and body are parsed. The setting names
    them because core sits below accounts (docs/architecture.md): the project's wiring
    chooses them, core does not import them.
    """
    if not perms:
        raise ValueError("A route names at least one permission.")
    return [_guarded(auth, perms) for auth in import_string(settings.ASYLON_API_AUTH)]


def declared_permissions(operation) -> tuple[str, ...] | None:
    """The permissions a ninja operation declares with `requires`, or None when it has none."""
    callbacks = getattr(operation, "auth_callbacks", None) or []
    if not callbacks or not all(isinstance(cb, PermissionGuard) for cb in callbacks):
        return None
    return callbacks[0].perms


# --- input the databases can store -----------------------------------------------------------

# Line breaks and tabs are text; every other C0 control (NUL above all: PostgreSQL refuses it
# in text) and DEL are not.
_CONTROLS = frozenset(chr(c) for c in (*range(0x20), 0x7F))
_TEXT_ALLOWED = frozenset("\t\n\r")
# Shown in the OpenAPI document, so clients and schemathesis know the rule; pydantic's check is
# the validator below, whose message names the character.
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

LINE_MAX = 200  # codes, references, usernames, filters: none is near this
TEXT_MAX = 10_000  # free text without a model field's own limit (a reason, a note)
INT64_MAX = 2**63 - 1
OFFSET_MAX = 1_000_000_000  # past every register, far below where OFFSET overflows


def _refuse_controls(value: str, allowed: frozenset[str]) -> str:
    for char in value:
        if char in _CONTROLS and char not in allowed:
            raise ValueError(f"must not contain control characters (found U+{ord(char):04X})")
    return value


def _single_line(value: str) -> str:
    return _refuse_controls(value, frozenset())


def _multi_line(value: str) -> str:
    return _refuse_controls(value, _TEXT_ALLOWED)


@dataclass(frozen=True)
class _Pattern:
    """Documents the allowed characters in the JSON schema (validation is the validator's)."""

    pattern: str

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler):
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


Line = Annotated[str, MaxLen(LINE_MAX), AfterValidator(_single_line), _Pattern(LINE_PATTERN)]
"""A short single-line string that fills no model field of its own: a code, a reference, a filter."""

Text = Annotated[str, MaxLen(TEXT_MAX), AfterValidator(_multi_line), _Pattern(TEXT_PATTERN)]
"""Free text (line breaks and tabs allowed) that fills no model field with a limit of its own."""

Id = Annotated[int, Ge(0), Le(INT64_MAX)]
"""A primary key: a 64-bit integer (an unknown one is a 404, never an overflow)."""

Offset = Annotated[int, Ge(0), Le(OFFSET_MAX)]


def _int_range(field: models.Field) -> tuple[int | None, int | None]:
    # The portable range of the field's type (PostgreSQL's; SQLite would store more).
    low, high = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type(), (None, None))
    positive = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
    if isinstance(field, positive):
        low = 0
    return low, high


@dataclass(frozen=True)
class FromModel:
    """The limits of a model field, applied to the API field that fills it.

    `Annotated[str, FromModel(Person, "languages")]`: at most the field's `max_length`
    (a TextField: `TEXT_MAX`), no control characters (line breaks allowed in a TextField).
    `Annotated[int, FromModel(Incident, "killed")]`: within the range of the field's type.
    """

    model: type[models.Model]
    field: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        field = self.model._meta.get_field(self.field)
        annotated: Any
        if isinstance(field, models.TextField):
            annotated = Annotated[source, MaxLen(TEXT_MAX), AfterValidator(_multi_line), _Pattern(TEXT_PATTERN)]
        elif isinstance(field, models.IntegerField):
            low, high = _int_range(field)
            annotated = Annotated[source, Ge(low if low is not None else -INT64_MAX - 1), Le(high or INT64_MAX)]
        else:
            limit = getattr(field, "max_length", None) or LINE_MAX
            annotated = Annotated[source, MaxLen(limit), AfterValidator(_single_line), _Pattern(LINE_PATTERN)]
        return handler.generate_schema(annotated)


def text_check(value: str, *, multiline: bool = False) -> str | None:
    """For an edge that reads a raw string (a page's query parameter): the reason it is
    refused, or None. Same rule as `Line` / `Text`."""
    try:
        (_multi_line if multiline else _single_line)(value)
    except ValueError as exc:
        return str(exc)
    return None


__all__: list[str] = [
    "FromModel",
    "Id",
    "Line",
    "Offset",
    "Text",
    "declared_permissions",
    "requires",
    "text_check",
]
