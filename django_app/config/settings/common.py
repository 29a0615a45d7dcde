"""Settings shared by every environment. Each variable is documented in .env.example."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "dashboard",
    "demo",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
ASGI_APPLICATION = "config.asgi.application"
DATABASES: dict = {}
STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "build" / "static"  # `manage.py collectstatic` for production
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic (dev and tests)
WHITENOISE_AUTOREFRESH = DEBUG
USE_TZ = True
TIME_ZONE = "UTC"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Where the embedded deploy writes stack outputs, and which stack to read.
LIVEINSIGHT_STATE_DIR = Path(os.environ.get("LIVEINSIGHT_STATE_DIR", PROJECT_DIR / ".liveinsight"))
LIVEINSIGHT_STACK = os.environ.get("LIVEINSIGHT_STACK", "liveinsight")

# The ingest API the demo shop's tracker sends to, and whether it tracks automated
# browsers (the browser tests drive it with Playwright).
LIVEINSIGHT_INGEST_URL = os.environ.get("LIVEINSIGHT_INGEST_URL", "http://127.0.0.1:3000")
LIVEINSIGHT_TRACK_AUTOMATION = os.environ.get("LIVEINSIGHT_TRACK_AUTOMATION", "") == "1"
