from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "asylon.status"
    label = "status"
