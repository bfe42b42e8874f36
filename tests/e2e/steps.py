"""Steps the browser journeys share."""

from __future__ import annotations


def login(page, username: str, password: str = "correct horse battery staple") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
