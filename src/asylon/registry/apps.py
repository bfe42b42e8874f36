from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "asylon.registry"
    label = "registry"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .specific_needs import ensure_loaded

        post_migrate.connect(ensure_loaded, sender=self, dispatch_uid="asylon.registry.specific_needs")
