from django.contrib import admin
from django.urls import include, path

from asylon.api import api

urlpatterns = [
    path("", include("asylon.registry.urls")),
    path("reports/", include("asylon.reports.urls")),
    path("imports/", include("asylon.reports.imports.urls")),
    path("", include("asylon.status.urls")),
    path("accounts/", include("asylon.accounts.urls")),
    path("audit/", include("asylon.audit.urls")),
    path("incidents/", include("asylon.incidents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
