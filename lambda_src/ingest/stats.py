"""Counter items of a site, read by key from the Stats table (see rollups.py for names)."""

from __future__ import annotations

from typing import Any


def read(ddb: Any, table: str, site_id: str, suffixes: list[str]) -> dict[str, dict[str, float]]:
    """Counters per item suffix ("m#<minute>", "d#<day>#pages", ...); an item that was
    never written reads as empty."""
    out: dict[str, dict[str, float]] = {s: {} for s in suffixes}
    prefix = len(site_id) + 1
    wanted = [{"pk": {"S": f"{site_id}#{s}"}} for s in dict.fromkeys(suffixes)]
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {table: {"Keys": wanted[start:start + 100]}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(table, []):
                out[item["pk"]["S"][prefix:]] = {k: float(v["N"]) for k, v in item.items()
                                                 if "N" in v and k != "expires_at"}
            request = answer.get("UnprocessedKeys") or {}
    return out


def minutes(ddb: Any, table: str, site_id: str, numbers: list[int]) -> dict[int, dict[str, float]]:
    found = read(ddb, table, site_id, [f"m#{m}" for m in numbers])
    return {m: found[f"m#{m}"] for m in numbers}
