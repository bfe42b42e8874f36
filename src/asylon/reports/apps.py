from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "asylon.reports"
    label = "reports"
