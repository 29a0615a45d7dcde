"""How one event is stored in the Events table: a few attributes to key and filter
on, and the rest as one compact JSON attribute `data`. Fewer attributes make a
smaller item on DynamoDB and a cheaper write on the emulator."""

from __future__ import annotations

import json
from typing import Any

from .attribute_values import to_av

ATTRIBUTES = ("event_id", "site_id", "visitor_id", "type", "ts", "received_at", "bot", "expires_at")


def to_item(record: dict[str, Any]) -> dict[str, Any]:
    item = {name: to_av(record[name]) for name in ATTRIBUTES}
    rest = {k: v for k, v in record.items() if k not in ATTRIBUTES}
    item["data"] = {"S": json.dumps(rest, separators=(",", ":"), ensure_ascii=False)}
    return item


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """The stored record again, from a low-level (DynamoDB JSON) item."""
    record: dict[str, Any] = json.loads(item["data"]["S"])
    for name in ATTRIBUTES:
        (kind, raw), = item[name].items()
        record[name] = int(raw) if kind == "N" else raw
    return record
