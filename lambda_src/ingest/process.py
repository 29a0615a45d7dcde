"""Ingest one request: validate, enrich, and store each new event once.

Nothing is counted here. Each event is one item in Events; the table's stream hands
every new item (an INSERT) to the sessionizer and the counters exactly once, so an
event stored is an event counted, whatever the client retries or this function does
after the write. Everything here is plain functions over a `Store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from layout import events as event_items

from . import enrich, protocol
from .config import Config
from .errors import Forbidden

Key = tuple[str, str]  # (visitor key, event id)


@dataclass
class Request:
    body: str | bytes
    origin: str | None
    user_agent: str
    received_at: int  # ms since the epoch


@dataclass
class Result:
    accepted: int = 0
    duplicates: int = 0
    new: int = 0  # events stored for the first time
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


class Store(Protocol):
    def sites(self, site_ids: set[str]) -> dict[str, dict[str, Any]]: ...
    def stored(self, keys: list[Key]) -> set[Key]: ...
    def put_events(self, records: list[dict[str, Any]]) -> None: ...


def ingest(request: Request, store: Store, config: Config) -> Result:
    events = protocol.parse(request.body, config.max_body_bytes)
    valid, rejected = protocol.check(events)
    result = Result(rejected=rejected, accepted=len(valid))
    if not valid:
        return result
    _check_sites({e["site_id"] for _, e in valid}, request.origin, store)
    ua = enrich.agent(request.user_agent)
    records: dict[Key, dict[str, Any]] = {}
    for _, event in valid:
        key = (event_items.visitor_key(event["site_id"], event["visitor_id"]), event["event_id"])
        if key in records:
            result.duplicates += 1
            continue
        record = enrich.record(event, ua, request.received_at, config.max_skew_s * 1000)
        record["expires_at"] = request.received_at // 1000 + config.event_retention_s
        records[key] = record
    # What was stored first stays: an event already stored is neither written nor counted again.
    stored = store.stored(list(records))
    store.put_events([r for k, r in records.items() if k not in stored])
    result.duplicates += len(stored)
    result.new = len(records) - len(stored)
    return result


def _check_sites(site_ids: set[str], origin: str | None, store: Store) -> None:
    known = store.sites(site_ids)
    for site_id in sorted(site_ids):
        site = known.get(site_id)
        if site is None or (origin is not None and origin not in site.get("allowed_origins", [])):
            raise Forbidden("unknown site, or an origin the site does not allow")
