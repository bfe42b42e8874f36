from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "asylon.audit"
    label = "audit"
