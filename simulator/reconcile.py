"""Compare the events a run had acknowledged (its ledger) with what the ingest stored.

Every event is stored once, under its visitor ("<site>#<visitor>", event id), and the
Events stream counts each stored event exactly once; so a run is exact when what it
acknowledged is what is stored under its visitors. For each visitor in the ledger, their
partition of Events is read (a Query: the cost follows the run, not the table). Then:
  lost        acknowledged, but not stored
  duplicated  acknowledged once, stored (and so counted) under more than one key
  unexpected  stored under the run's visitors, but never acknowledged
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from layout import events
from layout.ddb import query


def read_ledger(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def reconcile(ddb: Any, outputs: dict[str, str], ledger: list[dict[str, str]]) -> dict[str, Any]:
    acked = {e["event_id"] for e in ledger}
    partitions = sorted({events.visitor_key(e["site_id"], e["visitor_id"]) for e in ledger})
    stored: Counter[str] = Counter()
    for pk in partitions:
        for item in query(ddb, TableName=outputs["EventsTableName"], ConsistentRead=True,
                          KeyConditionExpression="pk = :pk", ProjectionExpression="event_id",
                          ExpressionAttributeValues={":pk": {"S": pk}}):
            stored[item["event_id"]["S"]] += 1
    lost = len(acked - set(stored))
    duplicated = sum(n - 1 for e, n in stored.items() if e in acked and n > 1)
    unexpected = len(set(stored) - acked)
    return {"acknowledged": len(acked), "stored": len(acked & set(stored)), "lost": lost,
            "duplicated": duplicated, "unexpected": unexpected,
            "passed": lost == duplicated == unexpected == 0}
