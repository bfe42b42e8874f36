from django import template

register = template.Library()

HIDDEN = "—"


@register.filter
def cell(value):
    """A published figure, or the mark of a hidden one."""
    return HIDDEN if value is None else value
