"""The limits on live streams: how many a user holds, how long one lives, and whether the
sign-in it was opened with still stands."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from sites_app.models import SharedLink

from .fanout import Holder
from .models import OpenStream

RENEW_SECONDS = 5  # a stream rechecks its sign-in and renews its place this often
STALE = timedelta(seconds=RENEW_SECONDS * 4)


def open_stream(user, session_key: str) -> int | None:
    """A place for one more stream of this user's, or None when they hold as many as allowed."""
    return _open(get_user_model(), user.pk, {"user": user}, settings.LIVEINSIGHT_STREAMS_PER_USER, session_key)


def open_shared(link: SharedLink) -> int | None:
    """A place for one more viewer of a shared link, or None when it has as many as allowed."""
    return _open(SharedLink, link.pk, {"link": link}, settings.LIVEINSIGHT_STREAMS_PER_LINK)


def _open(holder: type, pk: int, owner: dict, limit: int, session_key: str = "") -> int | None:
    now = timezone.now()
    with transaction.atomic():
        holder.objects.select_for_update().filter(pk=pk).first()  # one open at a time
        OpenStream.objects.filter(**owner, seen__lt=now - STALE).delete()
        if OpenStream.objects.filter(**owner).count() >= limit:
            return None
        return OpenStream.objects.create(**owner, session_key=session_key, seen=now).pk


def upkeep(holders: dict[int, Holder]) -> dict[int, str]:
    """Renew every open stream's place at once, and name the ones whose holder no longer
    stands (signed out, link revoked or expired) with why, each holder checked once."""
    try:
        places = list(holders)
        for start in range(0, len(places), 500):
            OpenStream.objects.filter(pk__in=places[start:start + 500]).update(seen=timezone.now())
        links = {h[1] for h in holders.values() if h[0] == "link"}
        standing = {link.pk for link in SharedLink.objects.filter(pk__in=links)
                    if not (link.expires and link.expires <= timezone.now())}
        signed = {h[1]: signed_in(*h[1]) for h in holders.values() if h[0] == "user"}
        return {place: ("link revoked" if kind == "link" else "signed out")
                for place, (kind, who) in holders.items()
                if not (who in standing if kind == "link" else signed[who])}
    finally:
        close_old_connections()  # this runs outside any request


def close(place: int) -> None:
    OpenStream.objects.filter(pk=place).delete()


def signed_in(session_key: str, user_id: int) -> bool:
    """Whether the session still signs this user in: not logged out, not expired, and their
    password and active flag unchanged since."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = store.load()  # empty once deleted or expired
    if str(data.get(SESSION_KEY)) != str(user_id) or BACKEND_SESSION_KEY not in data:
        return False
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user is not None and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
