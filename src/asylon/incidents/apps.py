from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "asylon.incidents"
    label = "incidents"

    def ready(self) -> None:
        from asylon.registry import services as registry

        from . import services

        # An incident's killed and missing follow the register's presences.
        if services.follow_presences not in registry.presence_changed_hooks:
            registry.presence_changed_hooks.append(services.follow_presences)
