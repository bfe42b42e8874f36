"""Domain errors. Services raise them; every edge turns them into its own form.

Each error has a stable `code` that tests, the API and the audit trail can rely on.
A page shows `message` as a form error; the API answers with `status` and `as_dict()`;
a command prints one line and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.message}


class InvalidInput(DomainError):
    """One or more fields are wrong. `errors` maps a field path to its messages."""

    code = "invalid_input"
    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str | None = None):
        self.errors = errors
        summary = message or "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(summary)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "detail": [{"loc": field.split("."), "msg": msg} for field, msgs in self.errors.items() for msg in msgs],
        }


class NotPermitted(DomainError):
    """The actor's role does not allow the action."""

    code = "not_permitted"
    status = 403


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's scope: the two look the same."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The action is impossible in the object's current state (e.g. a forbidden transition)."""

    code = "conflict"
    status = 409


class SafeguardRefusal(Conflict):
    """A protection rule refused the step. Carries the rule and its legal basis."""

    code = "safeguard_refusal"

    def __init__(self, rule: str, legal_basis: str, detail: str, reason: Mapping | None = None):
        """`detail` and `legal_basis` are English (the API and the audit quote them);
        `reason` is the detail as a stored message (`safeguards.messages.Message.as_dict()`)."""
        self.rule = rule
        self.legal_basis = legal_basis
        self.detail = detail
        self.reason = dict(reason) if reason else None
        super().__init__(f"{rule}: {detail} ({legal_basis})")

    @property
    def message(self) -> str:
        """The refusal in the language of the reader, built when a page shows it."""
        from django.utils.translation import gettext

        from asylon.core.messages import reason_text

        detail = reason_text({"detail": self.detail, **(self.reason or {})})
        return f"{self.rule}: {detail} ({gettext(self.legal_basis)})"

    @message.setter
    def message(self, english: str) -> None:
        """DomainError's constructor sets the English message; `str(self)` keeps it already."""

    def as_dict(self) -> dict:
        return {"code": self.code, "rule": self.rule, "legal_basis": self.legal_basis, "detail": self.detail}
