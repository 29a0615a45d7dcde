"""Who is active now on a site: a BatchGetItem of a fixed set of ActiveSessions keys.

The ingest keeps each live session in the bucket "<site>#<minute of its last
event>", in one of `shards` items. "Active now" reads the buckets of the last
window's minutes, never a Scan or a Query, so its cost follows the number of
active sessions only, not stored events or expired sessions.
"""

from __future__ import annotations

import json
from typing import Any


def keys(site_id: str, now_ms: int, window_s: int = 300, shards: int = 8) -> list[dict[str, Any]]:
    last = now_ms // 60000
    first = (now_ms - window_s * 1000) // 60000
    return [{"pk": {"S": f"{site_id}#{m}"}, "shard": {"N": str(s)}}
            for m in range(first, last + 1) for s in range(shards)]


def sessions(items: list[dict[str, Any]], now_ms: int, window_s: int = 300) -> list[dict[str, Any]]:
    """Live sessions from the bucket items, most recent first; expired ones are never shown."""
    since = now_ms - window_s * 1000
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        for name, value in item.items():
            if name in ("pk", "shard", "expires_at") or "S" not in value:
                continue
            summary = json.loads(value["S"])
            if summary["last"] >= since and summary["last"] >= found.get(name, {}).get("last", -1):
                found[name] = summary
    return sorted(found.values(), key=lambda s: s["last"], reverse=True)


def read(ddb: Any, table: str, site_id: str, now_ms: int, window_s: int = 300) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    wanted = keys(site_id, now_ms, window_s)
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {table: {"Keys": wanted[start:start + 100]}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            items += answer["Responses"].get(table, [])
            request = answer.get("UnprocessedKeys") or {}
    return sessions(items, now_ms, window_s)
