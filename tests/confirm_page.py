"""Reading a confirmation page (core/confirm.py): what its summary says, and that it asks."""

from __future__ import annotations

import re

from tests.html_text import visible_text


def summary(response) -> str:
    """The text a reader sees in the element with id="confirm-summary"."""
    html = response.content.decode()
    found = re.search(r'<div id="confirm-summary">(.*?)</div>', html, re.S)
    assert found, "no confirm-summary on the page"
    return visible_text(found.group(1))


def asks_to_confirm(response) -> bool:
    """A 200 page whose form carries confirm=yes and a primary button."""
    html = response.content.decode()
    return (
        response.status_code == 200
        and '<input type="hidden" name="confirm" value="yes">' in html
        and re.search(r'<button type="submit" class="primary">', html) is not None
    )
