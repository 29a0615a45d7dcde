"""Per-minute counters of a site, read by key from the Stats table (see rollups.py for names)."""

from __future__ import annotations

from typing import Any


def key(site_id: str, minute: int) -> dict[str, Any]:
    return {"pk": {"S": f"{site_id}#m#{minute}"}}


def read(ddb: Any, table: str, site_id: str, minutes: list[int]) -> dict[int, dict[str, float]]:
    """Counters per minute; a minute with no traffic has no item and reads as empty."""
    out: dict[int, dict[str, float]] = {m: {} for m in minutes}
    wanted = [key(site_id, m) for m in minutes]
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {table: {"Keys": wanted[start:start + 100]}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(table, []):
                minute = int(item["pk"]["S"].rsplit("#", 1)[1])
                out[minute] = {k: float(v["N"]) for k, v in item.items() if "N" in v and k != "expires_at"}
            request = answer.get("UnprocessedKeys") or {}
    return out
