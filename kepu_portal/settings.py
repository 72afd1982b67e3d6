"""Settings for the Kepu Portal — one module, driven by the environment.

With no environment set the portal runs on one machine: SQLite under var/, Celery tasks
run in-process (eager, errors propagate), e-mail printed to the console.
Set DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… to use real services.
KEPU_ENV=production turns on production mode: SECRET_KEY is required, DEBUG must be off.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# --- small typed helpers (Healthchecks style) ---------------------------------------------
def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


KEPU_ENV = env_str("KEPU_ENV", "development")
PRODUCTION = KEPU_ENV == "production"
TESTING = env_bool("KEPU_TESTING", "pytest" in sys.modules)

DEBUG = env_bool("DEBUG", not PRODUCTION)
# Under DEBUG (make run), still the portal's Chinese 404/500 pages, not Django's technical ones (common/errors.py);
# false: Django's debug pages with the traceback, for a developer.
KEPU_FRIENDLY_ERRORS = env_bool("KEPU_FRIENDLY_ERRORS", True)
SECRET_KEY = env_str("SECRET_KEY")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production mode (KEPU_ENV=production)")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production mode (KEPU_ENV=production)")
elif not SECRET_KEY:
    SECRET_KEY = "dev-insecure-kepu-portal-secret-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if PRODUCTION else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

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
    "import_export",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "common",
    "accounts",
    "programs",
    "bases",
    "events",
    "indicators",
    "notifications",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kepu_portal.middleware.ChineseByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "common.errors.FriendlyErrorsMiddleware",
]

ROOT_URLCONF = "kepu_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "kepu_portal.wsgi.application"

# --- database ------------------------------------------------------------------------------
VAR_DIR = Path(env_str("KEPU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kepu.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Survive a PostgreSQL restart without restarting the portal.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # BEGIN IMMEDIATE: a transaction that will write takes SQLite's write lock at its start, so two reviewers
    # deciding at once queue for up to 20 s and the second then meets the version check (409) instead of
    # "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# events' covering indexes carry INCLUDE columns for PostgreSQL's index-only scans (review queue, completeness
# table); SQLite keeps the key columns and ignores the rest, which is all the one-machine mode needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock out after repeated failed logins (page login and the API token endpoint alike).
# The lock is on the user name *and* the address together: wrong passwords for a user from one address lock
# that user at that address only — an attacker elsewhere cannot lock the real user out, and failures for one
# user do not lock the other users behind the same address (one office's NAT).
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# --- i18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Report attachments live outside MEDIA_ROOT (never served by DEBUG's media route); a permission-checked
# view serves them.
KEPU_PRIVATE_MEDIA_ROOT = Path(env_str("KEPU_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
KEPU_MAX_ATTACHMENT_BYTES = env_int("KEPU_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
KEPU_MAX_PHOTO_BYTES = env_int("KEPU_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
KEPU_MAX_DOCUMENT_BYTES = env_int("KEPU_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)
KEPU_MAX_PHOTOS = env_int("KEPU_MAX_PHOTOS", 5)  # photos per activity
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
KEPU_MAX_IMPORT_BYTES = env_int("KEPU_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
KEPU_MAX_IMPORT_ROWS = env_int("KEPU_MAX_IMPORT_ROWS", 20_000)
# sane maxima and ranges of what people type (common/limits.py): one activity's participants, online views,
# volunteers or experts; dates within the plan's years ± a margin; JSON nesting
KEPU_MAX_PARTICIPANTS = env_int("KEPU_MAX_PARTICIPANTS", 1_000_000)
KEPU_MAX_ONLINE_VIEWS = env_int("KEPU_MAX_ONLINE_VIEWS", 100_000_000)
KEPU_MAX_HELPERS = env_int("KEPU_MAX_HELPERS", 100_000)
KEPU_PLAN_START_YEAR = env_int("KEPU_PLAN_START_YEAR", 2021)
# headless Chromium that renders the dashboard's and the cockpit's PDF (indicators/pdf.py)
KEPU_CHROMIUM = env_str("KEPU_CHROMIUM", "/usr/bin/chromium")
KEPU_PLAN_END_YEAR = env_int("KEPU_PLAN_END_YEAR", 2035)
KEPU_DATE_MARGIN_YEARS = env_int("KEPU_DATE_MARGIN_YEARS", 5)
KEPU_MAX_JSON_DEPTH = env_int("KEPU_MAX_JSON_DEPTH", 32)
KEPU_MAX_IMAGE_PIXELS = env_int("KEPU_MAX_IMAGE_PIXELS", 50_000_000)  # a photo: 50 megapixels

# --- e-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kepu-portal@localhost")
KEPU_OFFICE_EMAILS = env_list("KEPU_OFFICE_EMAILS")

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
from celery.schedules import crontab  # noqa: E402

# Periodic jobs (django-celery-beat copies these into its database schedule; editable in admin).
CELERY_BEAT_SCHEDULE: dict = {
    "nightly-rollup": {
        "task": "indicators.rollup_task",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"trigger": "nightly"},
    },
    "certification-expiry": {"task": "bases.expire_certifications_task", "schedule": crontab(hour=1, minute=0)},
    "campaign-reminders": {"task": "events.send_deadline_reminders_task", "schedule": crontab(hour=8, minute=0)},
    "report-reminders": {"task": "programs.send_report_reminders_task", "schedule": crontab(hour=8, minute=30)},
    # deadlines in 3 days, deadlines missed, periods and campaigns open: notifications inside the portal + e-mail
    "deadline-notices": {"task": "notifications.send_deadline_notices_task", "schedule": crontab(hour=7, minute=30)},
    "worker-heartbeat": {"task": "common.heartbeat_task", "schedule": 300.0, "kwargs": {"name": "beat"}},
}
KEPU_REMINDER_DAYS_BEFORE = [int(d) for d in env_list("KEPU_REMINDER_DAYS_BEFORE", "7,3,1")]
# 催报 on a completeness page: the same reminder (same page, same level) is refused within this many minutes
KEPU_REMINDER_MIN_INTERVAL_MINUTES = env_int("KEPU_REMINDER_MIN_INTERVAL_MINUTES", 60)

# --- API -----------------------------------------------------------------------------------
# API tokens live KEPU_TOKEN_TTL_HOURS from their creation (like a page session: SESSION_COOKIE_AGE) and die at
# logout and on a password change (accounts/tokens.py). The token class comes first so that a missing or bad
# credential is a 401 with `WWW-Authenticate: Token`, not a 403.
KEPU_TOKEN_TTL_HOURS = env_int("KEPU_TOKEN_TTL_HOURS", 8)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "common.filters.KepuFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kepu Portal API",
    "DESCRIPTION": "科普工作管理平台 API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Schema and Swagger UI for logged-in users and token holders only (the docs page also redirects to the
    # login: kepu_portal/urls.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Docstrings describe the code (「`run_transition(request, action)`: …」), not the API: never descriptions.
    # Operations and serializers say what users need with extend_schema(description=…) / help_text.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "ENUM_NAME_OVERRIDES": {
        "BaseCategoryEnum": "bases.models.Base.Category",
        "ActivityCategoryEnum": "events.models.ActivityReturn.Category",
        # the registration and the post-event report of an activity share one set of states
        "ActivityReturnStatusEnum": "events.models.STATUS_CHOICES",
    },
}

# --- security ------------------------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# KEPU_HTTPS=false: production mode served over plain HTTP on loopback (`make serve`, `make bench`):
# no SSL redirect, no Secure cookie flag, no HSTS. Behind a TLS-terminating proxy leave it true.
KEPU_HTTPS = env_bool("KEPU_HTTPS", True)
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", KEPU_HTTPS)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", KEPU_HTTPS)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", KEPU_HTTPS)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from inside the container / load balancer speak HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if KEPU_HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- logging -------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if PRODUCTION else "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- production operation: CSP, lockout page, proxies, worker logs, OpenAPI errors --
# Content-Security-Policy (django-csp): no inline scripts or styles anywhere; the Swagger UI page
# (/api/docs/) alone adds 'unsafe-inline' to style-src for the <style> block in drf-spectacular's
# template (its script is served as a separate file: SpectacularSwaggerSplitView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# django-axes: the page shown to a locked-out login (Chinese, HTTP 429; JSON under /api/).
AXES_LOCKOUT_CALLABLE = "common.security.lockout_response"
# Behind N reverse proxies (nginx → gunicorn) set KEPU_PROXY_COUNT=N: the client address axes locks
# is then the N-th from the right in X-Forwarded-For (common.security.client_ip); with 0 (default)
# REMOTE_ADDR — without it every login behind a proxy would share the proxy's address.
KEPU_PROXY_COUNT = env_int("KEPU_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "common.security.client_ip"
# Celery worker/beat log through Django's LOGGING (JSON lines in production), not their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not PRODUCTION
# Broker down at enqueue time: common.tasks.enqueue_on_commit parks the task in PendingTask; beat
# re-sends parked tasks every minute (and every successful enqueue flushes them too).
CELERY_BEAT_SCHEDULE["resend-pending-tasks"] = {"task": "common.resend_pending_tasks_task", "schedule": 60.0}
# /healthz: how long it waits for the broker
KEPU_HEALTH_BROKER_TIMEOUT = float(env_str("KEPU_HEALTH_BROKER_TIMEOUT", "1.0"))
# OpenAPI: document the 400/401/403/404 error bodies on every operation (checked by schemathesis).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "common.openapi.add_error_responses",
    "common.openapi.plain_choice_descriptions",
]

# --- the plan file loaded by `manage.py load_plan` -----------------------------------------
KEPU_PLAN_FILE = Path(
    env_str("KEPU_PLAN_FILE", str(BASE_DIR / "programs" / "fixtures" / "changzhou_plan_2021_2035.yaml"))
)
AXES_VERBOSE = False

# --- indicators roll-up --------------------------------------------------------------------
KEPU_ROLLUP_FIRST_YEAR = env_int("KEPU_ROLLUP_FIRST_YEAR", 2021)
KEPU_ROLLUP_DELAY_SECONDS = env_int("KEPU_ROLLUP_DELAY_SECONDS", 5)
KEPU_ROLLUP_STALE_MINUTES = env_int("KEPU_ROLLUP_STALE_MINUTES", 15)
KEPU_ROLLUP_RUN_TIMEOUT_MINUTES = env_int("KEPU_ROLLUP_RUN_TIMEOUT_MINUTES", 60)  # a "running" run older is dead
KEPU_ROLLUP_LOCK_WAIT_SECONDS = env_int("KEPU_ROLLUP_LOCK_WAIT_SECONDS", 600)  # a second run waits this long
KEPU_DASHBOARD_STALE_HOURS = env_int("KEPU_DASHBOARD_STALE_HOURS", 26)
# Fault injection for tests only: sleep inside the roll-up's write transaction (a worker killed then
# must leave the previous values in place). Never set in production.
KEPU_ROLLUP_FAULT_PAUSE_SECONDS = env_int("KEPU_ROLLUP_FAULT_PAUSE_SECONDS", 0)
FORMAT_MODULE_PATH = ["kepu_portal.formats"]
