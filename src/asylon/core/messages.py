"""Messages stored as data (`asylon.safeguards.messages`), shown in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from asylon.core.i18n import format_date, to_digits
from asylon.core.labels import field_label

# The separators of a list inside a sentence: Persian and Arabic write the Arabic comma and
# semicolon.
_SEPARATORS = {
    ",": {"en": ", ", "fa": "، ", "ar": "، "},
    ";": {"en": "; ", "fa": "؛ ", "ar": "؛ "},
}


def render(stored: Mapping) -> str:
    """A stored message (`Message.as_dict()`) in the active language."""
    params = {k: _render_param(v) for k, v in (stored.get("params") or {}).items()}
    msgid = stored["msgid"]
    text = gettext(msgid)
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide the reason
        return msgid % params if params else msgid


def _render_param(value: object) -> str:
    if isinstance(value, Mapping):
        if "msgid" in value:
            return render(value)
        if "country" in value:
            return country_name(value["country"])
        if "date" in value:
            return format_date(date.fromisoformat(value["date"]))
        if "datetime" in value:
            return format_date(datetime.fromisoformat(value["datetime"]), with_time=True)
        if "number" in value:
            return to_digits(value["number"])
        if "field" in value:
            return field_label(value["field"])
        if "list" in value:
            language = (translation.get_language() or "en").split("-")[0]
            separator = _SEPARATORS[value.get("sep", ",")]
            return separator.get(language, separator["en"]).join(_render_param(v) for v in value["list"])
    return str(value)


def msgid_of(text) -> str:
    """The English msgid of a lazily translated text (a choice's label), to keep it as a
    message that each reader sees in their own language: `message(msgid_of(kind.label))`."""
    with translation.override(None):
        return str(text)


def list_separator(sep: str = ",") -> str:
    """The comma (or semicolon) between the items of a list, in the active language."""
    language = (translation.get_language() or "en").split("-")[0]
    separator = _SEPARATORS[sep]
    return separator.get(language, separator["en"])


def render_list(stored: list[Mapping], sep: str = ",") -> str:
    """Stored messages in the active language, joined with its comma or semicolon."""
    return _render_param({"list": list(stored), "sep": sep})


def country_name(code: str) -> str:
    """The country's name in the active language (django-countries' translated list)."""
    return str(countries.name(code)) or code


def reason_text(reason: Mapping) -> str:
    """The text of a stored safeguard reason (a Block or Notice dict) for the reader.

    Reasons stored before messages were kept have only their English `detail`; it is shown
    translated when it is itself a catalogue entry, and as stored otherwise.
    """
    if reason.get("msgid"):
        return render(reason)
    return gettext(reason.get("detail", "")) if reason.get("detail") else ""
