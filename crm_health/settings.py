"""Settings for crm-health, driven by environment variables (see README "Configuration").

Every variable goes through django-environ, which raises ``ImproperlyConfigured`` on a
value it cannot parse; the few rules environ cannot express are checked below and fail
loudly too. Secrets may also be given as ``<NAME>_FILE`` pointing at a file.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return env.str(name, default=default)


def _positive_int(name: str, default: int) -> int:
    value = env.int(name, default=default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive integer, got {value}")
    return value


DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = _secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required when DJANGO_DEBUG is off"
        )
    SECRET_KEY = "insecure-demo-key-only-for-debug-mode"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "accounts",
    "signals",
    "offboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crm_health.middleware.ContentSecurityPolicyMiddleware",
    # Axes must come last: it turns a locked-out login into a refusal page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_health.urls"
WSGI_APPLICATION = "crm_health.wsgi.application"
ASGI_APPLICATION = "crm_health.asgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
    {
        # The long lists of the busiest pages (see crm_health/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "crm_health.jinja2.environment",
            "context_processors": ["accounts.context_processors.roles"],
        },
    },
]

# Widgets are written in Python (same markup as Django's widget templates, ~10× faster).
FORM_RENDERER = "crm_health.widgets.PythonWidgetRenderer"

# --- Database -------------------------------------------------------------------------
# Embedded default: a SQLite file in the project folder. Production: DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the in-process demo write while pages read.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# Per process by default. The production shape points CACHE_URL at Redis so every web
# worker shares sessions, the portfolio overview (accounts.overview), the account page's
# per-snapshot health panel parts, the navigation's alert count and API throttle counts.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "crm_health.cache.ReusedClientRedisCache"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Uploads are capped before parsing (imports through the UI/API go through this too).
DATA_UPLOAD_MAX_MEMORY_SIZE = _positive_int("DJANGO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
IMPORT_MAX_UPLOAD_BYTES = _positive_int("CRM_IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------
if "EMAIL_URL" in os.environ:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="crm-health@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------
# With a shared cache (CACHE_URL: Redis, Memcached) sessions are read from it and written
# through to the database, so a request does not query the session table and a cache
# flush logs nobody out. A per-process cache would keep a logged-out session alive in the
# other processes, so without one sessions stay in the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
    else "django.contrib.sessions.backends.cached_db"
)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a TLS-terminating proxy an operator may relax these with DJANGO_SECURE_*.
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    *env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[]),
    # "SQLite does not support indexes with non-key columns": the interactions' scoring
    # index includes columns on PostgreSQL and is a plain index elsewhere, on purpose.
    "models.W040",
]

# Login brute-force protection (django-axes): lock a username+IP pair after N failures.
AXES_FAILURE_LIMIT = _positive_int("CRM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_positive_int("CRM_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("CRM_AXES_ENABLED", default=True)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "crm_health.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "crm_health.api.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("CRM_API_THROTTLE_ANON", default="60/min"),
        "user": env.str("CRM_API_THROTTLE_USER", default="6000/min"),
    },
    "EXCEPTION_HANDLER": "crm_health.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "crm-health API",
    "DESCRIPTION": "Two-sided relationship health: accounts, interactions, scores, alerts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field with different choices; name each enum.
    "ENUM_NAME_OVERRIDES": {
        "AccountStatusEnum": "accounts.vocabulary.AccountStatus",
        "AlertStatusEnum": "signals.models.AlertStatus",
        "CaseStatusEnum": "offboarding.vocabulary.CaseStatus",
        "ScoringRunStatusEnum": "signals.models.ScoringRun.Status",
    },
}

# --- Celery ---------------------------------------------------------------------------
# Unset broker = the embedded default: tasks run in-process, synchronously.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# At-least-once: a task is acknowledged only after it finished, and a worker that dies
# mid-task hands it back to the queue. Tasks are idempotent, so redelivery is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = _positive_int("CRM_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = _positive_int("CRM_TASK_TIME_LIMIT", 660)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CRM_TASK_TIME_LIMIT must exceed CRM_TASK_SOFT_TIME_LIMIT")
# Redis redelivers an unacknowledged task after the visibility timeout: keep it well
# above the hard time limit or long tasks would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 3,
    # A broker that silently drops the connection must not hang a web request that
    # publishes after commit: socket operations give up after a few seconds.
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "crm"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing must not hang a web request when the broker is down: the dirty flag and
# the sweep catch up later (see signals/tasks.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# Celery's Django fixup closes every database connection before and after each task
# unless this is set; a new PostgreSQL connection costs ~8 ms, as much as a small
# recompute's reads. With it, Celery force-closes only every DB_REUSE_MAX tasks, and the
# worker treats connections as web requests do (crm_health/celery.py: CONN_MAX_AGE,
# CONN_HEALTH_CHECKS, and a connection left broken or mid-transaction is dropped).
CELERY_DB_REUSE_MAX = _positive_int("CELERY_DB_REUSE_MAX", 1000)

# --- Product settings -----------------------------------------------------------------
CRM_SCORING_CHUNK_SIZE = _positive_int("CRM_SCORING_CHUNK_SIZE", 500)
CRM_FULL_RECOMPUTE_CRON = env.str("CRM_FULL_RECOMPUTE_CRON", default="15 2 * * *")
CRM_SWEEP_SECONDS = _positive_int("CRM_SWEEP_SECONDS", 300)
CRM_CRITICAL_ESCALATION_HOURS = _positive_int("CRM_CRITICAL_ESCALATION_HOURS", 24)
CRM_SITE_URL = env.str("CRM_SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
