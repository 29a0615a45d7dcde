"""Events: one item per event, keyed by its visitor and its id.

  pk        "<site>#<visitor>"   every event of a visitor shares one partition, so the
                                 stream hands a visitor's events, in order, to one consumer
  event_id  the client's id      a resent event finds its item; another site's or visitor's
                                 event with the same id is another item and never overwrites it

A few attributes to filter on, and the rest as one compact JSON attribute `data` (fewer
attributes make a smaller item, and a cheaper write). The table's stream feeds the
sessionizer and the counters (an INSERT is a new event; a MODIFY is a resend).
"""

from __future__ import annotations

import json
from typing import Any

from .values import to_av

ATTRIBUTES = ("event_id", "type", "ts", "received_at", "bot", "expires_at")


def visitor_key(site_id: str, visitor_id: str) -> str:
    return f"{site_id}#{visitor_id}"


def split_key(pk: str) -> tuple[str, str]:
    site_id, visitor_id = pk.split("#", 1)
    return site_id, visitor_id


def key(site_id: str, visitor_id: str, event_id: str) -> dict[str, Any]:
    return {"pk": {"S": visitor_key(site_id, visitor_id)}, "event_id": {"S": event_id}}


def to_item(record: dict[str, Any]) -> dict[str, Any]:
    """The item of a stored record (the ingest's enriched event, with `expires_at`)."""
    item = {name: to_av(record[name]) for name in ATTRIBUTES}
    item["pk"] = {"S": visitor_key(record["site_id"], record["visitor_id"])}
    rest = {k: v for k, v in record.items() if k not in ATTRIBUTES and k not in ("site_id", "visitor_id")}
    item["data"] = {"S": json.dumps(rest, separators=(",", ":"), ensure_ascii=False)}
    return item


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """The stored record again, from an item in DynamoDB JSON (a read, or a stream image)."""
    record: dict[str, Any] = json.loads(item["data"]["S"])
    record["site_id"], record["visitor_id"] = split_key(item["pk"]["S"])
    for name in ATTRIBUTES:
        (kind, raw), = item[name].items()
        record[name] = int(raw) if kind == "N" else raw
    return record
