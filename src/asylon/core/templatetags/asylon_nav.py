"""The main menu's groups: `{% navgroup label %}<li>…</li>{% endnavgroup %}` (base.html).

A group is a native disclosure (<details>/<summary>: keyboard and screen readers know it)
holding the links the role may see, so a phone shows six group names instead of nineteen
links. A group whose links are all hidden for the role renders nothing at all: the menu
still shows only what the role may see, whichever app's include adds a link to it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


class NavGroupNode(template.Node):
    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList):
        self.label, self.nodelist = label, nodelist

    def render(self, context) -> str:
        links = self.nodelist.render(context)
        if "<li" not in links:
            return ""
        return format_html(
            '<li class="group"><details><summary>{}</summary><ul>{}</ul></details></li>',
            self.label.resolve(context),
            mark_safe(links),  # noqa: S308 - rendered by the template engine, escaped there
        )


@register.tag
def navgroup(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("navgroup takes one argument: the group's label")
    nodelist = parser.parse(("endnavgroup",))
    parser.delete_first_token()
    return NavGroupNode(parser.compile_filter(bits[1]), nodelist)
