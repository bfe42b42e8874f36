from django.contrib import admin
from django.urls import include, path

from asylon.accounts.views import set_language
from asylon.api import api
from asylon.operations.views import healthz

# A locked SQLite database met outside a view (the session's save) is 503, not 400 or 500.
# Every error page extends the base template, in the reader's language, with a way back.
handler400 = "asylon.core.middleware.bad_request"
handler403 = "asylon.core.middleware.permission_denied"
handler404 = "asylon.core.middleware.page_not_found"
handler500 = "asylon.core.middleware.server_error"

urlpatterns = [
    # Before the register: "persons/search/" must not be read as a person's reference.
    path("", include("asylon.matching.urls")),
    path("", include("asylon.registry.urls")),
    path("reports/", include("asylon.reports.urls")),
    path("imports/", include("asylon.reports.imports.urls")),
    path("work/", include("asylon.mywork.urls")),  # each user's start page: what is theirs to do
    path("jobs/", include("asylon.operations.urls")),  # long work on the queue, for its user
    path("", include("asylon.status.urls")),
    path("accounts/", include("asylon.accounts.urls")),
    path("audit/", include("asylon.audit.urls")),
    path("incidents/", include("asylon.incidents.urls")),
    path("movements/", include("asylon.sharing.urls")),  # before the movements' "<reference>/"
    path("movements/", include("asylon.movements.urls")),
    path("i18n/setlang/", set_language, name="set_language"),  # Django's, and kept on the user
    path("resettlement/", include("asylon.solutions.urls")),
    path("cases/", include("asylon.cases.urls")),
    path("", include("asylon.documents.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),  # no login, figures only (operations/health.py)
]
