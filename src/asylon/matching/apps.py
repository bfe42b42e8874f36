from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "asylon.matching"
    label = "matching"
