"""API tokens: create one for a user (printed once: only its hash is kept), list a user's
tokens, or revoke one by the first characters it starts with."""

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken
from knox.settings import CONSTANTS


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new token for a user")
        create.add_argument("username")
        create.add_argument("--days", type=int, help="lifetime in days (default: LIVEINSIGHT_TOKEN_DAYS)")
        listing = actions.add_parser("list", help="a user's tokens: their first characters and expiry")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke the token starting with these characters")
        revoke.add_argument("key", help=f"the token's first {CONSTANTS.TOKEN_KEY_LENGTH} characters (or all of it)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["action"] == "revoke":
            gone, _ = AuthToken.objects.filter(token_key=options["key"][:CONSTANTS.TOKEN_KEY_LENGTH]).delete()
            if not gone:
                raise CommandError("no such token")
            self.stdout.write(json.dumps({"revoked": options["key"][:CONSTANTS.TOKEN_KEY_LENGTH]}))
            return
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        if options["action"] == "create":
            lifetime = {"expiry": timedelta(days=options["days"])} if options["days"] else {}
            instance, token = AuthToken.objects.create(user=user, **lifetime)
            self.stdout.write(json.dumps({"username": user.username, "token": token,
                                          "expires": instance.expiry.isoformat() if instance.expiry else None}))
            return
        tokens = [{"key": t.token_key, "created": t.created.isoformat(),
                   "expires": t.expiry.isoformat() if t.expiry else None}
                  for t in AuthToken.objects.filter(user=user).order_by("created")]
        self.stdout.write(json.dumps({"username": user.username, "tokens": tokens}))
