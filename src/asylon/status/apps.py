from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "asylon.status"
    label = "status"

    def ready(self) -> None:
        from asylon.registry.signals import death_confirmed

        from . import work
        from .entries import follow_death

        death_confirmed.connect(follow_death, dispatch_uid="asylon.status.follow_death")
        work.register()  # the RSD deadlines, interviews and appeal windows of each officer
