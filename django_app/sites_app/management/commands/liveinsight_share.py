"""Shared links to a site's live page and history: make one (its token printed once: only
its hash is kept), list a site's, revoke one by its key, or renew: revoke the site's links
with a label and make a new one with it (`up` keeps one link for the demo site that way)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from sites_app.models import LinksFull, SharedLink, Site


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (("create", "a new link to a site"), ("renew", "a site's labelled link, made anew")):
            action = actions.add_parser(name, help=text)
            action.add_argument("site")
            action.add_argument("--days", type=int, help="it stops working after this many days (default: never)")
            action.add_argument("--label", default="")
        actions.add_parser("list", help="a site's links: their keys, labels and expiry").add_argument("site")
        actions.add_parser("revoke", help="revoke a link by its key").add_argument("key")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["action"] == "revoke":
            gone, _ = SharedLink.objects.filter(key=options["key"][:SharedLink.KEY_LENGTH]).delete()
            if not gone:
                raise CommandError("no such link")
            self.stdout.write(json.dumps({"revoked": options["key"][:SharedLink.KEY_LENGTH]}))
            return
        site = Site.objects.filter(site_id=options["site"]).first()
        if site is None:
            raise CommandError(f"no site {options['site']!r}")
        if options["action"] == "list":
            links = [{"key": link.key, "label": link.label, "created": link.created.isoformat(),
                      "expires": link.expires.isoformat() if link.expires else None} for link in site.links.all()]
            self.stdout.write(json.dumps({"site": site.site_id, "links": links}))
            return
        if options["action"] == "renew":
            site.links.filter(label=options["label"]).delete()
        try:
            link, token = SharedLink.make(site, options["days"], options["label"])
        except LinksFull as full:
            raise CommandError(str(full)) from None
        self.stdout.write(json.dumps({"site": site.site_id, "key": link.key, "token": token,
                                      "path": reverse("shared-live", args=[token]),
                                      "expires": link.expires.isoformat() if link.expires else None}))
