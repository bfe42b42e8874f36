from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "asylon.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="asylon.accounts.sync_role_groups")


class AsylonAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with `admin_site.SuperuserAdminSite` as `admin.site`: read-only,
    superusers only (users change through the accounts services alone). Kept here, not in
    admin_site.py, because settings load it before the app registry is ready."""

    default = False  # "asylon.accounts" still means AccountsConfig
    default_site = "asylon.accounts.admin_site.SuperuserAdminSite"
