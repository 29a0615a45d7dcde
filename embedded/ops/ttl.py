"""DynamoDB Time to Live for moto: items whose TTL attribute (a number, seconds since the
epoch) has passed are deleted within INTERVAL_S plus one sweep; as in DynamoDB, a table
with a stream records each removal. Readers must still filter: until the sweep an expired
item can be read, in DynamoDB too."""

from __future__ import annotations

import time
from typing import Any

import gevent
from moto.dynamodb.models import dynamodb_backends

INTERVAL_S = 10.0
CHUNK = 2000  # items looked at between yields, so requests are served during a sweep


def _expired(item: Any, attribute: str, now: float) -> bool:
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":
        return False
    try:
        return float(value.value) <= now
    except ValueError:
        return False


def sweep(now: float | None = None) -> int:
    """Delete every expired item of every table with TTL on; answers how many went."""
    now = time.time() if now is None else now
    deleted = 0
    for regions in list(dynamodb_backends.values()):
        for backend in list(regions.values()):
            for table in list(backend.tables.values()):
                ttl = getattr(table, "ttl", None) or {}
                if ttl.get("TimeToLiveStatus") != "ENABLED":
                    continue
                items = table.all_items()
                for start in range(0, len(items), CHUNK):
                    for item in items[start:start + CHUNK]:
                        if _expired(item, ttl["AttributeName"], now):
                            table.delete_item(item.hash_key, item.range_key)
                            deleted += 1
                    gevent.sleep(0)
    return deleted


def run_forever() -> None:
    while True:
        gevent.sleep(INTERVAL_S)
        try:
            sweep()
        except Exception as error:  # noqa: BLE001 - a table changing under a sweep: try next time
            print(f"ttl sweep: {error!r}", flush=True)
