from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "asylon.movements"
    label = "movements"
    verbose_name = "Movements"
