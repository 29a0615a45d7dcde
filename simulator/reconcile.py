"""Compare the events a run had acknowledged (its ledger) with what the ingest stored and counted.

For each session in the ledger, its Sessions item records the ids of the events counted in it
("seen") and how many events its sessions hold. Then:
  lost        acknowledged, but not in Events or never counted
  duplicated  counted more often than there are distinct events
  unexpected  stored and counted for the run's sessions, but never acknowledged
Only items are read by key: no Scan, so the cost follows the run, not the table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def read_ledger(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _batch_get(ddb: Any, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[start:start + 100], "ConsistentRead": True}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            items += answer["Responses"].get(table, [])
            request = answer.get("UnprocessedKeys") or {}
    return items


def reconcile(ddb: Any, outputs: dict[str, str], ledger: list[dict[str, str]]) -> dict[str, Any]:
    acked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in ledger:
        acked[(entry["site_id"], f"{entry['visitor_id']}#{entry['session_id']}")].add(entry["event_id"])
    ids = {e["event_id"] for e in ledger}
    stored = {i["event_id"]["S"] for i in _batch_get(ddb, outputs["EventsTableName"],
                                                      [{"event_id": {"S": e}} for e in sorted(ids)])}
    sessions = _batch_get(ddb, outputs["SessionsTableName"],
                          [{"site_id": {"S": s}, "session_key": {"S": k}} for s, k in sorted(acked)])
    counted: set[str] = set()
    duplicated = unexpected = 0
    for item in sessions:
        state = json.loads(item["state"]["S"])
        seen = set(state["seen"])
        counted |= seen
        held = sum(s["events"] for s in state["sessions"])
        duplicated += max(0, held - len(seen))
        unexpected += len(seen - acked[(item["site_id"]["S"], item["session_key"]["S"])])
    lost = len(ids - (stored & counted))
    return {"acknowledged": len(ids), "stored": len(stored), "lost": lost, "duplicated": duplicated,
            "unexpected": unexpected, "passed": lost == duplicated == unexpected == 0}
