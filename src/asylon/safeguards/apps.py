from django.apps import AppConfig


class SafeguardsConfig(AppConfig):
    """The protection rules. Pure functions: this app has no models and no migrations."""

    name = "asylon.safeguards"
    label = "safeguards"
    verbose_name = "Safeguards"
