"""Plain functions that validate a request body and store its events."""

from __future__ import annotations

import json
from typing import Any

from .config import Config

REQUIRED = ("event_id", "type", "site_id")


class InvalidBody(ValueError):
    pass


def parse(body: str, settings: Config) -> list[dict[str, Any]]:
    if len(body.encode()) > settings.max_body_bytes:
        raise InvalidBody(f"body is larger than {settings.max_body_bytes} bytes")
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidBody("body is not valid JSON") from None
    events = data.get("events") if isinstance(data, dict) and "events" in data else [data]
    if not isinstance(events, list) or not events or len(events) > settings.max_batch:
        raise InvalidBody(f"expected one event or a batch of 1 to {settings.max_batch} events")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise InvalidBody(f"event {index} is not an object")
        missing = [f for f in REQUIRED if not isinstance(event.get(f), str) or not event.get(f)]
        if missing:
            raise InvalidBody(f"event {index} lacks {', '.join(missing)}")
    return events


def store(events: list[dict[str, Any]], received_at: int, table: Any) -> None:
    with table.batch_writer(overwrite_by_pkeys=["event_id"]) as batch:
        for event in events:
            batch.put_item(Item={**event, "received_at": received_at})
