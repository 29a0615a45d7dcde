from .common import *  # noqa: F403

if not SECRET_KEY:  # noqa: F405
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")
# Behind CloudFront and a load balancer: the header that says the viewer used https.
SECURE_PROXY_SSL_HEADER = (ENV.get("DJANGO_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO"), "https")  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Static files are collected when the image is built, named by their content's hash and
# compressed; whitenoise serves them from there (CloudFront caches /static/*).
STATIC_ROOT = ENV.get("DJANGO_STATIC_ROOT") or PROJECT_DIR / "build" / "static"  # noqa: F405
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
