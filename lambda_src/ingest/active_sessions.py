"""Who is active now on a site: a BatchGetItem of a fixed set of ActiveSessions keys.

The ingest keeps each live session in exactly one bucket, "<site>#<n>" where n
counts windows (5 minutes) since the epoch, chosen by its last event, in one of
`shards` items (Config.active_shards). "Active now" reads the current and the
previous window's buckets, never a Scan or a Query, so its cost follows the
number of recently active sessions only, not stored events or expired sessions.
Each session is one attribute: a JSON array of FIELDS, in that order (an item is
billed, and read, by its whole size, so the names are not repeated per session).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from .batch_get import batch_get

FIELDS = ("visitor", "start", "last", "page", "pageviews", "src", "device")
_NOT_SESSIONS = frozenset(("pk", "shard", "expires_at"))


def summary(visitor: str, start: int, last: int, page: str, pageviews: int, src: str, device: str) -> str:
    """One session as the ingest stores it."""
    return json.dumps([visitor, start, last, page, pageviews, src, device], separators=(",", ":"))


def bucket(site_id: str, ts_ms: int, window_s: int = 300) -> str:
    return f"{site_id}#{ts_ms // (window_s * 1000)}"


def keys(site_id: str, now_ms: int, window_s: int = 300, shards: int = 32) -> list[dict[str, Any]]:
    buckets = {bucket(site_id, now_ms - window_s * 1000, window_s), bucket(site_id, now_ms, window_s)}
    return [{"pk": {"S": b}, "shard": {"N": str(s)}} for b in sorted(buckets) for s in range(shards)]


def sessions(items: list[dict[str, Any]], now_ms: int, window_s: int = 300,
             loads: Callable[[str], Any] = json.loads) -> list[dict[str, Any]]:
    """Live sessions from the bucket items, most recent first; expired ones are never shown.
    The summaries are decoded in one call, as one JSON array; a reader may pass a faster
    decoder as `loads`."""
    since = now_ms - window_s * 1000
    names, texts = [], []
    for item in items:
        for name, value in item.items():
            if name not in _NOT_SESSIONS and "S" in value:
                names.append(name)
                texts.append(value["S"])
    found: dict[str, dict[str, Any]] = {}
    for name, entry in zip(names, loads("[" + ",".join(texts) + "]"), strict=True):
        if isinstance(entry, dict):  # written before summaries became arrays; gone within 10 minutes
            entry = [entry[field] for field in FIELDS]
        visitor, start, last, page, pageviews, src, device = entry
        if last >= since and (name not in found or last >= found[name]["last"]):
            found[name] = {"sid": name, "visitor": visitor, "start": start, "last": last, "page": page,
                           "pageviews": pageviews, "src": src, "device": device}
    return sorted(found.values(), key=itemgetter("last"), reverse=True)


def read(ddb: Any, table: str, site_id: str, now_ms: int, window_s: int = 300,
         loads: Callable[[str], Any] = json.loads) -> list[dict[str, Any]]:
    return sessions(batch_get(ddb, table, keys(site_id, now_ms, window_s)), now_ms, window_s, loads)
