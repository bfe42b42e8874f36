from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "asylon.operations"
    label = "operations"
