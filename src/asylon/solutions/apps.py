from django.apps import AppConfig


class SolutionsConfig(AppConfig):
    name = "asylon.solutions"
    label = "solutions"
    verbose_name = "Durable solutions: resettlement"

    def ready(self) -> None:
        from . import work

        work.register()  # the cases over their target and the departures of each officer's week
