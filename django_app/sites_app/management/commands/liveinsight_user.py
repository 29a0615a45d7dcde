"""Ensure a user, give them a new API token (stored hashed, expiring; printed only here), and
optionally a site they own; print them as JSON."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from knox.models import AuthToken

from sites_app import funnels
from sites_app.models import Site
from sites_app.registry import publish


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--site", help="a site id this user owns")
        parser.add_argument("--site-name", default="")
        parser.add_argument("--origin", action="append", default=[], help="an allowed origin; repeatable")
        parser.add_argument("--staff", action="store_true", help="may see the operations panel")
        parser.add_argument("--funnel", action="append", default=[], type=funnels.parse,
                            help='a funnel, "name=page:/a,page:/b*,goal:purchase"; repeatable')

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        user.set_password(options["password"])
        user.is_staff = user.is_staff or options["staff"]
        user.save()
        _, token = AuthToken.objects.create(user=user)
        out = {"username": user.username, "password": options["password"], "token": token}
        if options["site"]:
            defaults = {"owner": user, "name": options["site_name"] or options["site"],
                        "allowed_origins": options["origin"]}
            if options["funnel"]:  # funnels are kept unless given
                defaults["funnels"] = options["funnel"]
            site, _ = Site.objects.update_or_create(site_id=options["site"], defaults=defaults)
            publish(site)
            out["site"] = site.site_id
        self.stdout.write(json.dumps(out))
