"""What every request and response needs, given in one place for every page and the API.

`NoStoreMiddleware`: what Asylon serves names people who must not be found. No browser or
proxy may keep a copy: every response Django builds (pages, the API, downloads, the login
pages) carries `Cache-Control: no-store, private`. Static files are served by WhiteNoise before
this middleware and keep their own long caching; they hold no personal data.

`SessionRefresh`: a session ends after `SESSION_COOKIE_AGE` seconds without a request. Its
expiry is pushed back by saving it, at most once every `ASYLON_SESSION_REFRESH_SECONDS`
(a minute) rather than on every request: a save is a write and a commit, as costly as the
work of a roll-call batch, and on SQLite it queues behind every other writer. So a session
ends between `SESSION_COOKIE_AGE` minus that minute and `SESSION_COOKIE_AGE` after its last
request, never later (tests/accounts/test_login.py).

`DatabaseBusyMiddleware`, `server_error` and `bad_request`: the embedded SQLite database
serves one writer at a time, and an import holds the write lock until it commits (it writes everything or nothing).
A writer that waited past the lock timeout gets "database is locked"; that is answered 503
with `Retry-After` (a short translated page, or the API's JSON error body with the stable code
`database_busy`), never 500. Views raise it into `process_exception`. The session's save after
the view (a page that only reads still saves it once a minute, so it may wait for the lock) fails
outside any view, and Django answers that 400 or 500: its handlers (`urls.handler400`,
`handler500`) ask the same question first. The API's own exception handler (`asylon.api`)
gives the same answer for API routes.

Error pages (`urls.handler400/403/404/500` and `DomainErrorPages`): every refusal is a page
that extends the base template, in the reader's language, with a way back. A domain error no
view handled is that page too (a safeguard refusal names its rule and legal basis, 403; an
object out of scope is 404), never a bare 500. The 500 page is rendered without the request,
so no context processor queries the database that may have failed.

`RefuseControlCharacters`: refuse, before any view runs, a page request whose path or query
string holds a control character. Pages read URL parameters (`/persons/<reference>/`,
`?stage=`) straight into queries; a NUL byte there is a 500 on PostgreSQL, which refuses it
in text, while SQLite just finds nothing. Forms already refuse NUL (Django's
ProhibitNullCharactersValidator); this covers what no form reads. The rule is the API's
(`core.api_edge`): no C0 control but tab and line breaks in a query value, none at all in
the path. The API is left to its own edge, which checks the caller's permission first and
then names the field in a 422.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import defaults

from .api_edge import text_check
from .errors import DomainError, NotFound, SafeguardRefusal
from .i18n import to_digits
from .messages import reason_text

# Seconds a client is told to wait: a long import takes about a minute.
RETRY_AFTER = 60
BUSY_CODE = "database_busy"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response


REFRESHED = "_asylon_refreshed"  # the session key holding the time of its last save (epoch seconds)


class SessionRefresh:
    """Save a signed-in session when its last save is a minute old (module docstring).

    Listed after Django's SessionMiddleware, so its answer runs first; it touches only a
    session the request already read (a signed-in user's), so it adds no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(REFRESHED, 0)) >= settings.ASYLON_SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


def is_database_locked(exc: BaseException | None) -> bool:
    """True for SQLite's "database is locked" (a writer waited past the timeout), also when
    another exception was raised while handling it (the session store turns it into
    `UpdateError`, its middleware into `SessionInterrupted`)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError) and "database is locked" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON with a stable code for the API, a translated page otherwise."""
    detail = _("The register is busy with a long write (an import). Nothing was saved; try again in a minute.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": BUSY_CODE, "detail": detail}, status=503)
    else:
        html = loader.render_to_string("busy.html", {"detail": detail, "retry_after": RETRY_AFTER}, request=request)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store, private"
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_database_locked(exception) else None


def _page(request: HttpRequest | None, template: str, status: int, context: dict | None = None) -> HttpResponse:
    """An error page in the reader's language (LocaleMiddleware and the user's preference
    have already chosen it), extending the base template, with a way back."""
    html = loader.render_to_string(template, context or {}, request=request)
    return HttpResponse(html, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a locked database met outside a view is 503 too.

    Django calls this while handling the exception, so `sys.exc_info()` names it. The page
    is rendered without the request: no context processor runs, so no query can meet the
    failure that brought us here; the language was chosen before the view ran.
    """
    if is_database_locked(sys.exc_info()[1]):
        return busy_response(request)
    try:
        return _page(None, "500.html", 500)
    except Exception:  # the page itself must never fail: fall back to Django's bare one
        return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler: the session's save after the view (once a minute) meets
    the lock, and Django reports that as `SessionInterrupted`, a 400; it is 503 here."""
    if is_database_locked(exception):
        return busy_response(request)
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 403 handler (`PermissionDenied`)."""
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler (`Http404`, or no route). Its message is not shown: views raise
    it with internal English sentences."""
    return _page(request, "404.html", 404)


def refusal_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A domain error no view handled, as a page: `NotFound` is the 404 page with its
    sentence; a safeguard refusal is a 403 naming the rule, the reason and the legal basis in
    the reader's language; any other refusal is a 403 page (or its own 4xx) with its message."""
    if isinstance(exc, NotFound):
        return _page(request, "404.html", 404, {"detail": gettext(exc.message)})
    if isinstance(exc, SafeguardRefusal):
        context = {
            "rule": exc.rule,
            "detail": reason_text({"detail": exc.detail, **(exc.reason or {})}),
            "legal_basis": to_digits(gettext(exc.legal_basis)),
        }
        return _page(request, "403.html", 403, context)
    status = exc.status if 400 <= exc.status < 500 else 403
    return _page(request, "403.html", status, {"detail": exc.message})


class DomainErrorPages:
    """Every page's refusals in one place (STYLE 7): a `DomainError` raised out of a view
    becomes a translated page instead of a 500. The API has its own handler (`asylon.api`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX) or not isinstance(exception, DomainError):
            return None
        return refusal_page(request, exception)


API_PREFIX = "/api/"


class RefuseControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            refusal = self.refusal(request)
            if refusal:
                return _page(request, "400.html", 400, {"detail": refusal})
        return self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> str | None:
        """The sentence, in the reader's language, that names the refused part of the URL and
        why, or None."""
        reason = text_check(request.path)
        if reason:
            return _("The address must not contain control characters (found %(char)s).") % {"char": _char(reason)}
        for name, values in request.GET.lists():
            for value in (name, *values):
                reason = text_check(value, multiline=True)
                if reason:
                    return _("The parameter “%(name)s” must not contain control characters (found %(char)s).") % {
                        "name": name,
                        "char": _char(reason),
                    }
        return None


def _char(reason: str) -> str:
    """The character `text_check` names in its reason ("... (found U+0000)")."""
    found = re.search(r"U\+[0-9A-F]{4}", reason)
    return found.group(0) if found else "?"
