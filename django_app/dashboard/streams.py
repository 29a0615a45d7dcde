"""The limits on live streams: how many a user holds, how long one lives, and whether the
sign-in it was opened with still stands."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import OpenStream

RENEW_SECONDS = 5  # a stream rechecks its sign-in and renews its place this often
STALE = timedelta(seconds=RENEW_SECONDS * 4)


def open_stream(user, session_key: str) -> int | None:
    """A place for one more stream of this user's, or None when they hold as many as allowed."""
    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one open at a time
        OpenStream.objects.filter(user=user, seen__lt=now - STALE).delete()
        if OpenStream.objects.filter(user=user).count() >= settings.LIVEINSIGHT_STREAMS_PER_USER:
            return None
        return OpenStream.objects.create(user=user, session_key=session_key, seen=now).pk


def renew(place: int) -> None:
    OpenStream.objects.filter(pk=place).update(seen=timezone.now())


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
