from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "asylon.sharing"
    label = "sharing"
    verbose_name = "Data sharing"
