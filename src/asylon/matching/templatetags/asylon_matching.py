"""The scorer's words on a page: `{% load asylon_matching %}`.

{{ f.label|field_name }} · {{ f.agreement|agreement }}
{% for field, how in candidate.explanation|explanation %}...{% endfor %}
"""

from __future__ import annotations

from django import template

from asylon.matching import explain

register = template.Library()

register.filter("field_name", explain.field_name)
register.filter("agreement", explain.agreement)
register.filter("explanation", explain.explanation)
