import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

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


class SharedLink(models.Model):
    """A read-only link to a site's live page and history that needs no login. Only the
    token's first characters (to find it) and its SHA-256 are kept: the whole token is shown
    once, when the link is made."""

    KEY_LENGTH = 12
    PER_SITE = 50  # links one site holds at once: an owner's script cannot grow the table without end

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="links")
    key = models.CharField(max_length=KEY_LENGTH, unique=True)
    digest = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]

    @classmethod
    def make(cls, site: Site, days: int | None = None, label: str = "") -> tuple["SharedLink", str]:
        """A new link and its token; LinksFull when the site holds PER_SITE already."""
        if cls.objects.filter(site=site).count() >= cls.PER_SITE:
            raise LinksFull(f"a site holds at most {cls.PER_SITE} shared links; revoke one first")
        token = secrets.token_urlsafe(24)
        expires = timezone.now() + timedelta(days=days) if days else None
        link = cls.objects.create(site=site, key=token[:cls.KEY_LENGTH], digest=_digest(token), label=label,
                                  expires=expires)
        return link, token

    @classmethod
    def find(cls, token: str) -> "SharedLink | None":
        """The link this token opens, if it exists and has not expired."""
        link = cls.objects.select_related("site").filter(key=token[:cls.KEY_LENGTH]).first()
        if link is None or not hmac.compare_digest(link.digest, _digest(token)):
            return None
        return None if link.expires and link.expires <= timezone.now() else link


class LinksFull(ValueError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
