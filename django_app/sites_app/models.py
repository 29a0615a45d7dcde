from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

SITE_ID = RegexValidator(r"^[a-z0-9][a-z0-9_-]{0,63}$", "lower-case letters, digits, - and _; up to 64")


class Site(models.Model):
    """A tracked site. Its allowed origins and funnels are published to the ingest's Sites table."""

    site_id = models.CharField(max_length=64, unique=True, validators=[SITE_ID])
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sites")
    allowed_origins = models.JSONField(default=list)
    # [{"name": ..., "steps": [{"name": ..., "page": "/path or /prefix*"} or {"name": ..., "goal": ...}]}]
    funnels = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site_id"]

    def __str__(self) -> str:
        return self.site_id
