"""Trustapp settings: one module, every deployment value read from the environment.

DEBUG is off unless DJANGO_DEBUG=1 says otherwise (`make run`, `make test` and the README
say so). With DEBUG off the app refuses to start on a missing, development or short secret
key, on `*` in DJANGO_ALLOWED_HOSTS, and on an EMAIL_URL that is unset or prints to the
console: production settings fail closed.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-deploy"
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
EMAIL_URL = env("EMAIL_URL", default="")


def production_refusals(*, secret_key, allowed_hosts, email_url):
    """What stops the app from starting with DEBUG off; an empty list lets it start."""
    refusals = []
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < 50:
        refusals.append("DJANGO_SECRET_KEY must be set to a random key of 50 characters or more")
    if not allowed_hosts or "*" in allowed_hosts:
        refusals.append("DJANGO_ALLOWED_HOSTS must name the hosts, without '*'")
    if not email_url or email_url.startswith("consolemail:"):
        refusals.append("EMAIL_URL must point at a mail server, not the console")
    return refusals


if not DEBUG and (
    refusals := production_refusals(
        secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS, email_url=EMAIL_URL
    )
):
    raise ImproperlyConfigured("DJANGO_DEBUG is off: " + "; ".join(refusals) + ".")
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

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
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
    "accounts",
    "simple_history",
    "partners",
    "assessments",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "trustapp.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns sign-in failures past the limit into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "trustapp.urls"
WSGI_APPLICATION = "trustapp.wsgi.application"

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
                "partners.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A web process keeps its database connection between requests (checked before reuse)
# instead of opening one per request, whose start-up and cold catalogue caches cost more
# than a small page. Off under DEBUG, where tests and runserver threads come and go.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No query of the app gains from JIT compiling: the pages' queries stay below its cost
    # threshold, and a batch query that crosses it does so on an estimate gone wrong, as the
    # recompute's sparkline series did on statistics that lagged behind the snapshots' growth
    # (80 ms of compiling for 15 ms of work, per batch of 1,000 engagements).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The level-change index's INCLUDE columns (an index-only count on PostgreSQL) do not
    # exist in SQLite, which indexes the key column alone; nothing to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TRUSTAPP_TIME_ZONE", default="Europe/Amsterdam")
# English only, with no catalogue of translations. Without the translation machinery each of
# a page's hundreds of lazy labels (choices, form labels, month names) resolves to its text
# without a gettext lookup: a quarter fewer Python calls for the client's home page, and 8 to
# 14% fewer for my engagements, the progress page and the dashboard.
USE_I18N = False
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

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Trustapp <trustapp@localhost>")
# The company clients rate: named on the rating form and as the invitation's sender.
TRUSTAPP_PROVIDER_NAME = env("TRUSTAPP_PROVIDER_NAME", default="Trustapp")
# Absolute links in emails (rating invitations) are built from this.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Sessions, cookies, HTTPS -------------------------------------------------------------
SESSION_ENGINE = "trustapp.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# The absolute lifetime of a sign-in; accounts.middleware also ends a session that has been
# idle for SESSION_IDLE_TIMEOUT, and one older than SESSION_COOKIE_AGE even if it was kept busy.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=7 * 24 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload flag only consents to the browsers' preload list; nothing is listed until the
# domain's owner submits it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy that says so (DJANGO_BEHIND_TLS_PROXY=1), the proxy redirects
# plain HTTP and its X-Forwarded-Proto header tells Django the request came over HTTPS.
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not BEHIND_TLS_PROXY)
# /healthz answers monitors over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Proxies in front of the app whose X-Forwarded-For may be trusted (0: none, use the peer's
# address). Throttles, sign-in lockout and /metrics all read the client address this way.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# --- Shared cache: throttle counts and rate limits hold across every web process ----------
REDIS_URL = env("REDIS_URL", default="") or env("CELERY_BROKER_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Sign-in lockout (django-axes) --------------------------------------------------------
# Failures are counted per username and client address in the database, which every web
# process shares; staff unlock in admin ("Access attempts": delete the row).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_VERBOSE = False
# Password-reset requests: per client address and per email address, counted whether or
# not an account has that address.
PASSWORD_RESET_RATE = env("PASSWORD_RESET_RATE", default="5/hour")

# --- Two-factor sign-in (django-otp, TOTP) ------------------------------------------------
# Staff always need it; members of these groups too; anyone else may opt in.
TWO_FACTOR_REQUIRED_GROUPS = env.list("TWO_FACTOR_REQUIRED_GROUPS", default=[])
OTP_TOTP_ISSUER = "Trustapp"

# --- Content-Security-Policy and Permissions-Policy ----------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# --- Metrics (django-prometheus) -----------------------------------------------------------
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# --- Celery -------------------------------------------------------------------------------
# No broker configured: tasks run eagerly in the web process (the embedded default). An
# eager task still takes a producer for its serializer; the in-memory transport needs no
# host, where Celery's default (AMQP on localhost) logged a warning for every task.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
# A .delay() must never hang a request when Redis is down: one quick retry, short socket
# timeouts, then the error surfaces to the caller, which logs it and relies on the
# dirty-engagement outbox (recompute_dirty) to catch up.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "recompute-dirty": {
        "task": "assessments.tasks.recompute_dirty",
        "schedule": 60.0,
    },
    "recompute-all-nightly": {
        "task": "assessments.tasks.recompute_all",
        "schedule": crontab(hour=2, minute=15),
    },
    "send-due-invitations-daily": {
        "task": "assessments.tasks.send_due_invitations",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` makes a missing or invalid token a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trustapp.authentication.StrictTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "trustapp.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "trustapp.api.ErrorsSchema",
    "EXCEPTION_HANDLER": "trustapp.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="60/minute"),
        "user": env("API_USER_RATE", default="1200/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
}
# API tokens (django-rest-knox): only a digest is stored; each token is named and expires.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Knox's own migrations create its default token table even when the model is swapped out;
# the table would only hold a foreign key to users that blocks flushing them.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
}
# --- Event import (CSV, browser and API) ---------------------------------------------------
# A 50,000-row CSV is about 4 MB. Uploaded files do not count toward
# DATA_UPLOAD_MAX_MEMORY_SIZE, and above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) they spill to a
# temporary file instead of memory, so the CSV import needs no change to Django's upload
# limits; the two settings below bound what one import parses and keeps in the session
# between preview and confirm. A JSON body does count: 10 MB lets the bulk endpoint take
# 1,000 events with notes of a few kilobytes each (Django's default, 2.5 MB, would not).
EVENT_IMPORT_MAX_BYTES = env.int("EVENT_IMPORT_MAX_BYTES", default=16 * 1024 * 1024)
EVENT_IMPORT_MAX_ROWS = env.int("EVENT_IMPORT_MAX_ROWS", default=50_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SPECTACULAR_SETTINGS = {
    "TITLE": "Trustapp API",
    "DESCRIPTION": "Engagement events, trust assessments and maturity scores.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids by resource (engagements_list), not by the version prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # One schema enum for the ladder, however many fields (level, from_level, …) use it.
    "ENUM_NAME_OVERRIDES": {
        "Level": "partners.choices.Level",
        "EngagementStatus": "partners.models.Engagement.Status",
        "PlanItemStatus": "assessments.models.PlanItem.Status",
        "EventReviewStatus": ["confirmed", "disputed"],
    },
}

# JSON lines in production (LOG_FORMAT=json, the default with DEBUG off), plain text while
# developing; every line carries the id of the request it belongs to.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "trustapp.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; failures and lockouts (WARNING) are what count.
    "loggers": {"axes": {"level": "WARNING"}},
}
