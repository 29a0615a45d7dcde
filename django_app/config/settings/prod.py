from .common import *  # noqa: F403

if not SECRET_KEY:  # noqa: F405
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")
# Behind CloudFront and a load balancer: the header that says the viewer used https.
SECURE_PROXY_SSL_HEADER = (ENV.get("DJANGO_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO"), "https")  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STATIC_ROOT = PROJECT_DIR / "build" / "static"  # noqa: F405 - `manage.py collectstatic` fills it
