from django.apps import AppConfig


class MyWorkConfig(AppConfig):
    """Each user's work across the system: the page, the menu's count, the API and the
    e-mail digest, all read from the sources the apps register (core/work.py)."""

    name = "asylon.mywork"
    label = "mywork"
    verbose_name = "My work"
