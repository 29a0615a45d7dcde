from django.conf import settings
from django.db import models


class OpenStream(models.Model):
    """A live page's open Server-Sent Events stream, counted toward its user's cap, or its
    shared link's. A running stream renews `seen`; one not renewed for a while (its server
    died) no longer counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True)
    link = models.ForeignKey("sites.SharedLink", on_delete=models.CASCADE, related_name="+", null=True)
    session_key = models.CharField(max_length=40, blank=True)
    opened = models.DateTimeField(auto_now_add=True)
    seen = models.DateTimeField()
