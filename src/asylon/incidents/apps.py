from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "asylon.incidents"
    label = "incidents"
