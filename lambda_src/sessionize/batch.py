"""One batch of the Events stream: each visitor's new events folded into their item, and
the sessions that changed listed for "active now". A plain function over a DynamoDB client.

Each visitor's item is written by this function only, and each visitor's events reach it
in stream order (they share a partition key). An item keeps the sequence number of the
last event it applied, so a redelivered batch, or a half of one, applies nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from layout import events, recent, sites, visitors
from layout.ddb import batch_get

from .config import Config
from .fold import fold

_ATTEMPTS = 8
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    events: int = 0  # new events in the batch
    applied: int = 0  # not applied before
    written: int = 0  # visitor items written


def new_events(records: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(sequence number, stored record) of each INSERT; a MODIFY is a resend, a REMOVE an
    expiry. An item the ingest did not write is skipped (and logged), never retried forever."""
    out = []
    for r in records:
        if r["eventName"] != "INSERT":
            continue
        try:
            out.append((int(r["dynamodb"]["SequenceNumber"]), events.from_item(r["dynamodb"]["NewImage"])))
        except (KeyError, TypeError, ValueError) as error:
            log.warning("skipped an Events item that is not an event: %r (%s)", r["dynamodb"].get("Keys"), error)
    return out


def process(records: list[dict[str, Any]], ddb: Any, config: Config, site_cache: sites.Cache) -> Outcome:
    inserted = new_events(records)
    outcome = Outcome(events=len(inserted))
    if not inserted:
        return outcome
    by_visitor: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for seq, rec in inserted:
        by_visitor[events.visitor_key(rec["site_id"], rec["visitor_id"])].append((seq, rec))
    keys = [{"pk": {"S": pk}} for pk in by_visitor]
    stored = {i["pk"]["S"]: i for i in batch_get(ddb, config.sessions_table, keys, consistent=True)}
    known = site_cache.get({rec["site_id"] for _, rec in inserted})
    writes: list[dict[str, Any]] = []
    summaries: dict[str, list[list[Any]]] = defaultdict(list)
    newest: dict[str, int] = {}
    for pk, pairs in by_visitor.items():
        state, applied, version = visitors.from_item(stored.get(pk))
        fresh = [rec for s, rec in pairs if s > int(applied)]
        if not fresh:
            continue
        outcome.applied += len(fresh)
        site_id, visitor_id = events.split_key(pk)
        site_funnels = known.get(site_id, {}).get("funnels", [])
        folded = fold(state, visitor_id, fresh, config.session_timeout_s * 1000, config.max_skew_s * 1000,
                      site_funnels)
        if not folded.changed:
            continue
        newest_ms = max(r["received_at"] for r in fresh)
        writes.append(visitors.to_item(pk, folded.state, str(max(s for s, _ in pairs)), version + 1,
                                       newest_ms // 1000 + config.retention_s))
        outcome.written += 1
        if folded.summaries:
            summaries[site_id] += folded.summaries
            newest[site_id] = max(newest.get(site_id, 0), newest_ms)
    batch_id = records[0]["eventID"]
    listed = [item for site_id, rows in summaries.items()
              for item in recent.items(site_id, newest[site_id], batch_id, rows)]
    _write(ddb, [(config.sessions_table, w) for w in writes] + [(config.active_table, i) for i in listed])
    return outcome


def _write(ddb: Any, puts: list[tuple[str, dict[str, Any]]]) -> None:
    for start in range(0, len(puts), 25):
        request: dict[str, list[Any]] = {}
        for table, item in puts[start:start + 25]:
            request.setdefault(table, []).append({"PutRequest": {"Item": item}})
        for attempt in range(_ATTEMPTS):
            request = ddb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            if not request:
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))
        else:
            raise RuntimeError("DynamoDB left items unprocessed; the batch will be retried")
