from django.apps import AppConfig


class SolutionsConfig(AppConfig):
    name = "asylon.solutions"
    label = "solutions"
    verbose_name = "Durable solutions: resettlement"
