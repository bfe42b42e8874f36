from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models: installed so that Django finds the `demo` management command."""

    name = "asylon.demo"
    label = "demo"
