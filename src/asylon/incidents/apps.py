from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "asylon.incidents"
    label = "incidents"

    def ready(self) -> None:
        from asylon.registry.signals import presence_changed

        from . import services, work

        # An incident's killed and missing follow the register's presences.
        presence_changed.connect(services.follow_presences, dispatch_uid="asylon.incidents.follow_presences")
        work.register()  # the follow-ups, roll calls and reviews waiting on each user
