"""Settings, all from the environment (django-environ).

ASYLON_DATA_DIR      where the SQLite file, the secret key and uploaded evidence live (default ./var)
ASYLON_DATABASE_URL  e.g. postgres://user@host:5432/asylon (default: SQLite in the data dir)
ASYLON_DB_CONN_MAX_AGE  seconds a server thread keeps its database connection (default 300; 0: one per request)
ASYLON_SECRET_KEY    generated and kept in the data dir when absent
ASYLON_DEBUG         false unless set
ASYLON_SMALL_CELL_THRESHOLD  published statistics hide counts below this (default 5)
ASYLON_API_RATE_USER  API requests a signed-in user may make (default 600/min)
ASYLON_API_RATE_ANON  API requests per address without a valid sign-in (default 60/min)
ASYLON_CACHE_URL     Django's cache (default: files in the data dir, shared by one machine's processes)
ASYLON_NUM_PROXIES   reverse proxies whose X-Forwarded-For names the client (default 0)
ASYLON_AUDIT_CHECKPOINTS  append-only file of the audit trail's signed checkpoints
                     (default <data dir>/audit-checkpoints.log; keep it off the database host)
ASYLON_KEY_DIR       private keys that sign protection documents (default: <data dir>-keys, beside
                     the data dir and outside its backups; see docs/deploy.md)
ASYLON_AUDIT_LOG_LEVEL  level of the `asylon.audit` logger, which also carries each checkpoint (INFO)
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("ASYLON_DATA_DIR", default="./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Kept apart from the data so that a stolen backup cannot sign a protection document.
ASYLON_KEY_DIR = Path(env("ASYLON_KEY_DIR", default=str(DATA_DIR.parent / f"{DATA_DIR.name}-keys"))).resolve()


def _secret_key() -> str:
    """A key generated once per data dir and kept there (owner-readable only)."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env("ASYLON_SECRET_KEY", default="") or _secret_key()
DEBUG = env.bool("ASYLON_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ASYLON_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("ASYLON_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "asylon.accounts.apps.AsylonAdminConfig",  # read-only, superusers only: users change through accounts services
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "asylon.core",
    "asylon.accounts",
    "asylon.audit",
    "asylon.registry",
    "asylon.status",
    "asylon.safeguards",
    "asylon.movements",
    "asylon.sharing",
    "asylon.solutions",
    "asylon.cases",
    "asylon.incidents",
    "asylon.matching",
    "asylon.reports",
    "asylon.operations",
    "asylon.demo",
    "asylon.mywork",
    "asylon.documents",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (core/logs.py).
    "asylon.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their caching; everything Django builds is no-store.
    "asylon.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware: a signed-in session's expiry moves on at most once a minute.
    "asylon.core.middleware.SessionRefresh",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL byte in a page's URL is a 400 naming the parameter, not a 500 on PostgreSQL.
    "asylon.core.middleware.RefuseControlCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "asylon.accounts.middleware.UserPreferencesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: roles that see sensitive fields reach no page before the second factor.
    "asylon.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # A refusal no view handled (a safeguard, an object out of scope) is a translated page.
    "asylon.core.middleware.DomainErrorPages",
    # Last, nearest the view: a view that met SQLite's write lock answers 503, not 500.
    "asylon.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "asylon.urls"
WSGI_APPLICATION = "asylon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "asylon.mywork.context.work_count",
            ],
        },
    }
]

DATABASES = {"default": env.db_url("ASYLON_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'asylon.sqlite3'}")}
# Each server thread keeps its connection between requests (ASYLON_DB_CONN_MAX_AGE seconds,
# 0 for one per request): opening one costs more than a roll-call batch (PostgreSQL starts a
# process for it). The health check finds a connection the database dropped before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("ASYLON_DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a write is going on; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of deadlocking on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Tests get a file too, not the in-memory database: browser tests serve concurrent requests,
    # which an in-memory shared cache answers with "table is locked" instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-asylon.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:home"  # the first page the role may see
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("ASYLON_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account (not by address) is deliberate: camps share a few NAT addresses, and a
# guesser rotating addresses must still not get more tries at one account. Axes warns about
# it (W006) on every command; the choice is made, so the warning is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "asylon.accounts.views.locked_out"  # a page that says what happened (429)

# Sessions end after inactivity: a request pushes the expiry back, saving the session at
# most once a minute (core.middleware.SessionRefresh), not on every request.
SESSION_ENGINE = "asylon.core.sessions"  # Django's database store, read with one raw statement
SESSION_COOKIE_AGE = env.int("ASYLON_SESSION_SECONDS", default=30 * 60)
ASYLON_SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env.bool("ASYLON_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("ASYLON_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("ASYLON_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_SSL_REDIRECT = env.bool("ASYLON_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's check may come over plain HTTP

# Content-Security-Policy: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fa", "فارسی"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("ASYLON_TIME_ZONE", default="UTC")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The project's own static folder is not inside an app: name it so the finders see it.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = env("ASYLON_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("ASYLON_FROM_EMAIL", default="asylon@localhost")

# Incidents: evidence upload limit, alert links and webhook sending.
ASYLON_EVIDENCE_MAX_BYTES = env.int("ASYLON_EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
ASYLON_PHOTO_MAX_BYTES = env.int("ASYLON_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
ASYLON_BASE_URL = env("ASYLON_BASE_URL", default="")
ASYLON_WEBHOOK_TIMEOUT = env.float("ASYLON_WEBHOOK_TIMEOUT", default=5.0)
ASYLON_ALERT_MAX_ATTEMPTS = env.int("ASYLON_ALERT_MAX_ATTEMPTS", default=8)

# Background work (docs/deploy.md): tasks are rows in the database, run by `asylon worker`
# (django-tasks' database backend: no broker). Tests run them at once (the immediate backend).
# /healthz and `asylon status` (operations/health.py) fail when the oldest due task waited longer than
# this many seconds, or the data dir's disk has less than this many MB free.
ASYLON_HEALTH_MAX_QUEUE_LAG = env.int("ASYLON_HEALTH_MAX_QUEUE_LAG", default=300)
ASYLON_HEALTH_MIN_FREE_MB = env.int("ASYLON_HEALTH_MIN_FREE_MB", default=1024)
TASKS = {"default": {"BACKEND": env("ASYLON_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# API rate limits (asylon.core.throttles); counts live in the cache below, which every process of
# one machine shares. Several machines: point ASYLON_CACHE_URL at a shared cache (e.g. redis://).
ASYLON_API_RATE_USER = env("ASYLON_API_RATE_USER", default="600/min") or None
ASYLON_API_RATE_ANON = env("ASYLON_API_RATE_ANON", default="60/min") or None
# Proxies in front of Asylon whose X-Forwarded-For is trusted for the client's address. None are
# by default: a caller could otherwise write any address into the header and never be limited.
NINJA_NUM_PROXIES = env.int("ASYLON_NUM_PROXIES", default=0)
# Behind a TLS proxy (docs/deploy.md) the request's scheme is the proxy's X-Forwarded-Proto;
# without one, the header is a caller's word and ignored.
if NINJA_NUM_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CACHES = {"default": env.cache_url("ASYLON_CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}")}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)

# The audit trail's checkpoints (docs/security.md): one signed line per committed
# transaction that wrote audit events, to this file and to the `asylon.audit` logger.
ASYLON_AUDIT_CHECKPOINTS = Path(env("ASYLON_AUDIT_CHECKPOINTS", default=str(DATA_DIR / "audit-checkpoints.log")))

# Logs (core/logs.py): text by default; ASYLON_LOG_FORMAT=json writes one JSON object a line
# with the request's id and the acting user's id (never a name).
ASYLON_LOG_FORMAT = env("ASYLON_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "asylon.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "asylon.core.logs.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if ASYLON_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("ASYLON_LOG_LEVEL", default="WARNING")},
    "loggers": {"asylon.audit": {"level": env("ASYLON_AUDIT_LOG_LEVEL", default="INFO")}},
}

# Roles that see sensitive fields must log in with a second factor (DOMAIN.md: sensitive data).
ASYLON_REQUIRE_2FA = env.bool("ASYLON_REQUIRE_2FA", default=True)
# A personal API token stops working this many days after it is issued: a leaked token does not work for ever.
ASYLON_API_TOKEN_DAYS = env.int("ASYLON_API_TOKEN_DAYS", default=90)
# How the API signs a caller in (a personal token, or a verified session): the list asylon/api.py
# is built with, which `core.api_edge.requires` reads from here, since core sits below accounts.
ASYLON_API_AUTH = "asylon.accounts.api_auth.api_auth"
# A second-factor enrolment code (issued by an administrator or at account creation) expires.
ASYLON_ENROLMENT_CODE_DAYS = env.int("ASYLON_ENROLMENT_CODE_DAYS", default=7)
OTP_TOTP_ISSUER = "Asylon"  # the name authenticator apps show beside the code

# Disclosure control of every aggregate that leaves the system (DOMAIN.md 4): cells below the
# threshold are hidden; zeros are shown unless ASYLON_SMALL_CELL_HIDE_ZEROS is set.
ASYLON_SMALL_CELL_THRESHOLD = env.int("ASYLON_SMALL_CELL_THRESHOLD", default=5)
ASYLON_SMALL_CELL_HIDE_ZEROS = env.bool("ASYLON_SMALL_CELL_HIDE_ZEROS", default=False)

# Static files are served by WhiteNoise from the apps' folders, so the demo needs no
# collectstatic; a deployment may still run collectstatic (docs/deploy.md).
WHITENOISE_USE_FINDERS = True

# Lock-out is per username on purpose (a guessed account is locked wherever the guesses come
# from); axes warns that this lets an attacker rotate IPs, which is what we want to stop.
# HSTS preload is a decision for the operator of a domain, not a default of the software.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
