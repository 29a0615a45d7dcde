"""Counter items of a site, read by key from the Stats table (see rollups.py for names)."""

from __future__ import annotations

from typing import Any

from .batch_get import batch_get


def read(ddb: Any, table: str, site_id: str, suffixes: list[str]) -> dict[str, dict[str, float]]:
    """Counters per item suffix ("m#<minute>", "d#<day>#pages", ...); an item that was
    never written reads as empty."""
    out: dict[str, dict[str, float]] = {s: {} for s in suffixes}
    prefix = len(site_id) + 1
    for item in batch_get(ddb, table, [{"pk": {"S": f"{site_id}#{s}"}} for s in dict.fromkeys(suffixes)]):
        out[item["pk"]["S"][prefix:]] = {k: float(v["N"]) for k, v in item.items() if "N" in v and k != "expires_at"}
    return out


def minutes(ddb: Any, table: str, site_id: str, numbers: list[int]) -> dict[int, dict[str, float]]:
    found = read(ddb, table, site_id, [f"m#{m}" for m in numbers])
    return {m: found[f"m#{m}"] for m in numbers}
