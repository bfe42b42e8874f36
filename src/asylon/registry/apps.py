from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "asylon.registry"
    label = "registry"
