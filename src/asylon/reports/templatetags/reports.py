from django import template

from asylon.core.i18n import to_digits

register = template.Library()

HIDDEN = "—"


@register.filter
def cell(value):
    """A published figure in the reader's digits, or the mark of a hidden one."""
    return HIDDEN if value is None else to_digits(value)
