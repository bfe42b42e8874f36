"""The JSON API under /api/v1/: every app's router, one error format."""

from django.db import OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI

from asylon.accounts.api_auth import api_auth
from asylon.core import throttles
from asylon.core.errors import DomainError
from asylon.core.middleware import busy_response, is_database_locked

api = NinjaAPI(
    title="Asylon API",
    version="1",
    urls_namespace="api-v1",
    auth=api_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[throttles.PerUser(), throttles.PerAddress()],
)
throttles.install(api)  # 429 with Retry-After; refused authentications counted per address


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(OperationalError)
def database_busy(request: HttpRequest, exc: OperationalError):
    """SQLite's write lock held past the timeout (a long import): 503 with Retry-After."""
    if not is_database_locked(exc):
        raise exc
    return busy_response(request)


def _mount() -> None:
    from asylon.accounts.api import router as accounts_router
    from asylon.audit.api import router as audit_router
    from asylon.cases.api import router as cases_router
    from asylon.documents.api import router as documents_router
    from asylon.incidents.api import router as incidents_router
    from asylon.matching.api import router as matching_router
    from asylon.movements.api import router as movements_router
    from asylon.movements.evidence_api import router as evidence_router
    from asylon.movements.reference_api import router as reference_router
    from asylon.mywork.api import router as mywork_router
    from asylon.registry.api import router as registry_router
    from asylon.registry.life_api import router as life_router
    from asylon.registry.places_api import router as places_router
    from asylon.reports.api import router as reports_router
    from asylon.reports.exports_api import router as exports_router
    from asylon.sharing.api import router as sharing_router
    from asylon.solutions.api import router as solutions_router
    from asylon.solutions.pledges_api import router as pledges_router
    from asylon.status.api import router as status_router
    from asylon.status.ending_api import router as ending_router

    # First: /persons/search must not be read as /persons/{reference}.
    api.add_router("/", matching_router)
    api.add_router("/", registry_router)
    api.add_router("/", life_router)
    api.add_router("/", status_router)
    api.add_router("/", ending_router)
    api.add_router("/", reports_router)
    api.add_router("/", exports_router)
    api.add_router("/", incidents_router)
    api.add_router("/", movements_router)
    api.add_router("/", evidence_router)
    api.add_router("/", solutions_router)
    api.add_router("/", cases_router)
    api.add_router("/", pledges_router)
    api.add_router("/", reference_router)
    api.add_router("/", sharing_router)
    api.add_router("/", audit_router)
    api.add_router("/", accounts_router)
    api.add_router("/", places_router)
    api.add_router("/", documents_router)
    api.add_router("/", mywork_router)


_mount()
