"""Choice lists for page forms.

A choice the user must judge (who did it, what harm, which outcome) starts on an empty
"— choose —" option, so that a form submitted without a look is refused with an error on
that field instead of recording the first answer of the list (issue 19, item 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

CHOOSE: tuple[str, Any] = ("", _("— choose —"))


def judged(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """`choices` behind an empty first option; with `required=True` the field must be chosen."""
    return [CHOOSE, *choices]


def judged_if_several(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A site (or other scope) list: the only answer when there is one, else it must be chosen."""
    options = list(choices)
    return options if len(options) == 1 else judged(options)
