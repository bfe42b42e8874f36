"""Dates and numbers in the user's calendar and digits: `{% load asylon_i18n %}`.

    {{ person.date_of_birth|localdate:person.dob_precision|default:"—" }}
    {{ event.at|localdatetime }}
    {{ page.paginator.count|digits }}
    {{ m.probability|percent }} · {{ c.match_weight|decimal:1 }}
    {{ block|reason }} · {{ block|legal_basis }}
    {{ hit.why|messages_list }}   (messages kept as data, joined with the reader's ";")
    {{ transition.to_state|label }}   (a stored code in words; see core/labels.py)
    {{ person.languages|language_names }}   (ISO 639 codes as names in the reader's language)

References (P-000123) are identifiers people type and read aloud: leave them in ASCII.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from asylon.core import i18n, labels, messages

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """ISO 639 codes, comma separated, as language names in the reader's language."""
    return i18n.language_names(codes or "")


@register.filter
def localdate(value, precision: str = "") -> str:
    """A date (or the date of a datetime) in the user's calendar and digits; "" for none."""
    return i18n.format_date(value, precision=precision or "")


@register.filter
def localdatetime(value) -> str:
    """A datetime as date and hours:minutes in the user's calendar, time zone and digits."""
    return i18n.format_date(value, with_time=True)


@register.filter
def digits(value) -> str:
    """ASCII digits of a number or text written in the user's digits."""
    if value is None:
        return ""
    return i18n.to_digits(value)


@register.filter
def percent(value) -> str:
    """A share (0..1) as a percentage in the user's digits: `{{ m.probability|percent }}`."""
    if value is None or value == "":
        return ""
    return i18n.format_percent(value)


@register.filter
def decimal(value, places: int = 1) -> str:
    """A number with decimals in the user's digits and decimal separator (۲٫۵)."""
    if value is None or value == "":
        return ""
    return i18n.format_decimal(value, int(places))


@register.simple_tag
def comma() -> str:
    """The separator of a list in the reader's language (", ", "، "): `{% comma %}`."""
    return messages.list_separator(",")


@register.filter
def reason(stored) -> str:
    """A stored safeguard reason (Block or Notice dict) in the reader's language."""
    return messages.reason_text(stored)


@register.filter
def messages_list(items) -> str:
    """Messages (`safeguards.messages.Message` or their stored dicts) in the reader's language,
    joined with the reader's semicolon: `{{ hit.why|messages_list }}`."""
    return messages.render_list([m.as_dict() if hasattr(m, "as_dict") else m for m in items or ()], sep=";")


@register.filter
def legal_basis(stored) -> str:
    """The legal basis of a stored safeguard reason in the reader's language and digits
    (its years and article numbers are figures like any other)."""
    return i18n.to_digits(gettext(stored["legal_basis"])) if stored.get("legal_basis") else ""


@register.filter
def label(value, field: str = "") -> str:
    """A stored code in words: `{{ t.to_state|label }}`, `{{ v|label:"registry.person.sex" }}`.

    With "app_label.model.field" the field's own choices decide (a code two choice lists
    share with different meanings); without, any of Asylon's choices that agree on a label.
    A value that is no code (a name, a number) is shown as it is.
    """
    if field.count(".") == 2:
        model, name = field.rsplit(".", 1)
        return labels.label_of(value, model=model, field=name)
    return labels.label_of(value, field=field or None)
