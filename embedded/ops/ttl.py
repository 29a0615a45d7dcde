"""DynamoDB Time to Live for moto: items whose TTL attribute (a number, seconds since the
epoch) has passed are deleted within INTERVAL_S plus one sweep; as in DynamoDB, a table
with a stream records each removal. Readers must still filter: until the sweep an expired
item can be read, in DynamoDB too.

A sweep of a table also learns when its next item expires, and writes tell (`noted`) when
theirs do, so a table whose items all expire months from now is not walked every time."""

from __future__ import annotations

import time
import weakref
from typing import Any

import gevent
from moto.dynamodb.models import dynamodb_backends

INTERVAL_S = 10.0
CHUNK = 2000  # items looked at between yields, so requests are served during a sweep
_due: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()  # table -> next expiry


def noted(table: Any, expires: float | None) -> None:
    """A write to a table: its TTL value if known (None: it may have changed one)."""
    if expires is None:
        _due.pop(table, None)
    elif table in _due:
        _due[table] = min(_due[table], expires)


def _expiry(item: Any, attribute: str) -> float | None:
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":
        return None
    try:
        return float(value.value)
    except ValueError:
        return None


def sweep(now: float | None = None) -> int:
    """Delete every expired item of every table with TTL on; answers how many went."""
    now = time.time() if now is None else now
    deleted = 0
    for regions in list(dynamodb_backends.values()):
        for backend in list(regions.values()):
            for table in list(backend.tables.values()):
                ttl = getattr(table, "ttl", None) or {}
                if ttl.get("TimeToLiveStatus") != "ENABLED" or _due.get(table, 0) > now:
                    continue
                _due[table] = float("inf")  # writes during the sweep lower it, or forget it
                soonest = float("inf")
                items = table.all_items()
                for start in range(0, len(items), CHUNK):
                    for item in items[start:start + CHUNK]:
                        expires = _expiry(item, ttl["AttributeName"])
                        if expires is None:
                            continue
                        if expires <= now:
                            table.delete_item(item.hash_key, item.range_key)
                            deleted += 1
                        else:
                            soonest = min(soonest, expires)
                    gevent.sleep(0)
                if table in _due:  # else a write during the sweep left its expiry unknown
                    _due[table] = min(_due[table], soonest)
    return deleted

