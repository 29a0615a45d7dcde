"""The ASGI application. DJANGO_SETTINGS_MODULE must be set (config.settings.prod in
production, config.settings.dev on the embedded stack): a missing one is an error, never a
silent fall back to the development settings."""

import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("DJANGO_SETTINGS_MODULE"):
    raise ImproperlyConfigured("set DJANGO_SETTINGS_MODULE (config.settings.prod in production)")
application = get_asgi_application()
