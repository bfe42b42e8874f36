"""Reasons as messages: an English msgid with named parameters, kept as data.

A safeguard decides once, in no particular language, and its reasons are kept (on the
movement's gate result and in the audit trail) long after; they are read by users of every
language. So a reason is a `Message`: the English msgid, marked with ``gettext_noop`` so the
catalogues carry it, and named parameters. The English text (`Message.english()`) is stored
as evidence, as it always was; `asylon.core.messages.render()` shows the stored form
(`Message.as_dict()`) in the reader's language.

Parameters are plain text (references, names: shown as they are), a `Country` (shown by its
name in the reader's language), a `Day` (in the reader's calendar and digits), a `Moment` (a
date and time, in the reader's calendar, time zone and digits), a `Number`
(in the reader's digits), a `Field` (a record's field, by its label), a `Listing`
joined with the punctuation of the reader's language, or another `Message`.

Stored form (JSON): ``{"msgid": "...", "params": {"name": value}}`` where a value is a string,
``{"country": "IR"}``, ``{"date": "2024-05-01"}``, ``{"datetime": "2024-05-01T08:30:00+00:00"}``,
``{"number": 3}``, ``{"field": "date_of_birth"}``, ``{"list": [...], "sep": ";"}`` or a
nested ``{"msgid": ..., "params": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

_ENGLISH_SEPARATORS = {",": ", ", ";": "; "}


@dataclass(frozen=True)
class Country:
    code: str


@dataclass(frozen=True)
class Day:
    day: date


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware


@dataclass(frozen=True)
class Number:
    value: int


@dataclass(frozen=True)
class Field:
    """A field of a record by its name (shown by its label in the reader's language)."""

    name: str


@dataclass(frozen=True)
class Listing:
    items: tuple
    sep: str = ","


@dataclass(frozen=True)
class Message:
    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def english(self) -> str:
        return self.msgid % {k: _english(v) for k, v in self.params.items()} if self.params else self.msgid

    def as_dict(self) -> dict:
        return {"msgid": self.msgid, "params": {k: _stored(v) for k, v in self.params.items()}}


def message(msgid: str, **params: object) -> Message:
    return Message(msgid, params)


def _english(value: object) -> str:
    if isinstance(value, Message):
        return value.english()
    if isinstance(value, Country):
        return value.code  # the audit text has always named countries by their code
    if isinstance(value, Day):
        return value.day.isoformat()
    if isinstance(value, Moment):
        return value.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, Number):
        return str(value.value)
    if isinstance(value, Field):
        return value.name  # the audit text names fields by their code
    if isinstance(value, Listing):
        return _ENGLISH_SEPARATORS[value.sep].join(_english(v) for v in value.items)
    return str(value)


def _stored(value: object) -> object:
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, Country):
        return {"country": value.code}
    if isinstance(value, Day):
        return {"date": value.day.isoformat()}
    if isinstance(value, Moment):
        return {"datetime": value.at.isoformat()}
    if isinstance(value, Number):
        return {"number": value.value}
    if isinstance(value, Field):
        return {"field": value.name}
    if isinstance(value, Listing):
        return {"list": [_stored(v) for v in value.items], "sep": value.sep}
    return str(value)
