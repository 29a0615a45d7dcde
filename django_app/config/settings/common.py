"""Settings shared by every environment. Each variable is documented in .env.example; the
environment wins over `.env` (read with python-dotenv, never written into the environment),
which wins over the defaults here."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from dotenv import dotenv_values

import stackstate
from config import database

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR.parent
ENV = {**{k: v for k, v in dotenv_values(PROJECT_DIR / ".env").items() if v is not None}, **os.environ}

SECRET_KEY = ENV.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in ENV.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in ENV.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "sites_app",
    "api",
    "dashboard",
    "demo",
]
MIDDLEWARE = [
    "dashboard.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # it answers a locked-out login
    "dashboard.health.BusyMiddleware",  # last, nearest the views: their database errors pass it first
]
# Logins are throttled (django-axes): after AXES_FAILURE_LIMIT failures for one username
# from one address, that pair is locked out for AXES_COOLOFF_TIME.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(ENV.get("LIVEINSIGHT_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(ENV.get("LIVEINSIGHT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "login"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so an anonymous call gets 401 with WWW-Authenticate: Token
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle",
}
# API tokens (django-rest-knox): stored hashed, shown once, expiring after LIVEINSIGHT_TOKEN_DAYS.
REST_KNOX = {"TOKEN_TTL": timedelta(days=int(ENV.get("LIVEINSIGHT_TOKEN_DAYS", "90"))),
             "AUTO_REFRESH": False, "AUTH_HEADER_PREFIX": "Token"}
# A live page's Server-Sent Events stream lives at most this long, and a user holds at most
# this many at once; one ends as soon as its session or token does.
LIVEINSIGHT_STREAM_SECONDS = int(ENV.get("LIVEINSIGHT_STREAM_SECONDS", "3600"))
LIVEINSIGHT_STREAMS_PER_USER = int(ENV.get("LIVEINSIGHT_STREAMS_PER_USER", "8"))
# the dashboard's address as the room's phones reach it, for shared links' QR codes
# (empty: the address the big screen itself was opened with)
LIVEINSIGHT_PUBLIC_URL = ENV.get("LIVEINSIGHT_PUBLIC_URL", "")
LIVEINSIGHT_STREAMS_PER_LINK = int(ENV.get("LIVEINSIGHT_STREAMS_PER_LINK", "1000"))  # viewers of one shared link
SPECTACULAR_SETTINGS = {
    "TITLE": "LiveInsight API",
    "DESCRIPTION": "Real-time and historical web analytics for the sites you own.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from this app: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.error_responses"],
}
STATIC_URL = "static/"
# Dev and tests serve the apps' static files straight from them (no collectstatic, and no
# missing directory to warn about); production collects them into STATIC_ROOT (prod.py).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
USE_TZ = True
TIME_ZONE = "UTC"
X_FRAME_OPTIONS = "DENY"

SECURE_CONTENT_TYPE_NOSNIFF = True

# Where the embedded deploy writes stack outputs, and which stack to read.
LIVEINSIGHT_STATE_DIR = stackstate.state_dir(ENV)
LIVEINSIGHT_STACK = ENV.get("LIVEINSIGHT_STACK", "liveinsight")
LIVEINSIGHT_OUTPUTS = ENV.get("LIVEINSIGHT_OUTPUTS", "")  # the stack outputs as JSON (the web tier on AWS)
# SQLite in the state directory, or DATABASE_URL (config/database.py)
DATABASES = {"default": database.configure(ENV, LIVEINSIGHT_STATE_DIR)}

# The ingest API the demo shop's tracker sends to, and whether it tracks automated
# browsers (the browser tests drive it with Playwright).
_SAVED = stackstate.ingest_url(LIVEINSIGHT_STATE_DIR, LIVEINSIGHT_STACK, public=True)  # LocalStack's, say
LIVEINSIGHT_INGEST_URL = ENV.get("LIVEINSIGHT_INGEST_URL") or _SAVED or "http://127.0.0.1:3000"
_INGEST_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(LIVEINSIGHT_INGEST_URL))
LIVEINSIGHT_TRACK_AUTOMATION = ENV.get("LIVEINSIGHT_TRACK_AUTOMATION", "") == "1"

# No inline script anywhere, no framing; the demo shop's tracker may send to the ingest API.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF, _INGEST_ORIGIN],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# One format for every logger, to the console (the stack's log, or the container's); the
# level is DJANGO_LOG_LEVEL (WARNING). Requests are logged by the server, not here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}, "django.server": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},  # axes says at every start which version runs
}
