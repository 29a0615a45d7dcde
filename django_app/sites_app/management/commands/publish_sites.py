"""Publish every registered site to the ingest's Sites table (the emulator starts empty)."""

from django.core.management.base import BaseCommand

from sites_app.models import Site
from sites_app.registry import publish


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for site in Site.objects.all():
            publish(site)
