from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "asylon.matching"
    label = "matching"

    def ready(self) -> None:
        from asylon.registry.signals import persons_saved

        from . import keys, work

        # The name keys follow every person the register saves, in its transaction.
        persons_saved.connect(keys.persons_saved, dispatch_uid="asylon.matching.keys")
        work.register()  # the pairs waiting for a decision, on each reviewer's work
