"""List pages' sortable headers: `{% load asylon_listing %}`, then
`{% sort_header listing "name" _("Name") %}` in a table's header row (see core/listing.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def sort_header(listing, key: str, label: str) -> str:
    """A column header that sorts by `key`; a second click reverses. The column in force
    carries `aria-sort`, so a screen reader says how the list is ordered."""
    current = listing.sort
    if current == key:
        state, target, hint = "ascending", "-" + key, gettext("sorted ascending; select to reverse")
    elif current == "-" + key:
        state, target, hint = "descending", key, gettext("sorted descending; select to reverse")
    else:
        return format_html('<th scope="col"><a class="sort" href="{}">{}</a></th>', listing.href(sort=key), label)
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="sort" href="{}" title="{}">{} '
        '<span aria-hidden="true">{}</span></a></th>',
        state,
        listing.href(sort=target),
        hint,
        label,
        "▲" if state == "ascending" else "▼",
    )


@register.filter
def page_href(listing, number: int) -> str:
    """A link to page `number` of the list, in the same sort and filters."""
    return listing.href(page=int(number))


@register.simple_tag
def sort_link(listing, key: str, label: str) -> str:
    """A "sort by" link for a list that is not a table (e.g. the incidents' timeline)."""
    current = listing.sort in (key, "-" + key)
    target = key if listing.sort == "-" + key or not current else "-" + key
    return format_html(
        '<a class="sort" href="{}"{}>{}</a>',
        listing.href(sort=target),
        mark_safe(' aria-current="true"') if current else "",  # noqa: S308 - a constant
        label,
    )
