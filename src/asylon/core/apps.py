from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "asylon.core"
    label = "core"
