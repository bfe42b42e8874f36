from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "asylon.documents"
    verbose_name = "Protection documents"
    default_auto_field = "django.db.models.BigAutoField"
