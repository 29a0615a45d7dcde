"""A `Store` in memory, with DynamoDB's semantics where the ingest relies on them:
idempotent event puts, versioned session puts, atomic commits, ADD counters.
Used by unit tests and by the CPU benchmark; it counts write requests as DynamoDB would."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from typing import Any

from .process import Conflict, Plan


class MemoryStore:
    def __init__(self, sites: dict[str, dict[str, Any]] | None = None) -> None:
        self.site_table = sites or {"demo": {"allowed_origins": ["http://localhost:8000"]}}
        self.events: dict[str, dict[str, Any]] = {}
        self.sessions: dict[tuple[str, str], tuple[str, int]] = {}
        self.stats: dict[str, dict[str, float]] = defaultdict(dict)
        self.active: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
        self.write_requests = 0
        self.fail_commits = 0  # make the next N commits conflict, as a concurrent writer would

    def sites(self, site_ids: set[str]) -> dict[str, dict[str, Any]]:
        return {s: self.site_table[s] for s in site_ids if s in self.site_table}

    def put_events(self, records: list[dict[str, Any]]) -> None:
        self.write_requests += (len(records) + 24) // 25
        for rec in records:
            self.events[rec["event_id"]] = copy.deepcopy(rec)

    def load(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[dict[str, Any], int]]:
        return {k: (json.loads(self.sessions[k][0]), self.sessions[k][1]) for k in keys if k in self.sessions}

    def commit(self, plan: Plan) -> None:
        if not plan.puts and not plan.updates:
            return
        self.write_requests += 1
        if self.fail_commits:
            self.fail_commits -= 1
            raise Conflict()
        for put in plan.puts:
            current = self.sessions.get((put["site_id"], put["session_key"]), (None, 0))[1]
            if current != put["expected"]:
                raise Conflict()
        for put in plan.puts:
            self.sessions[(put["site_id"], put["session_key"])] = (json.dumps(put["state"]), put["version"])
        for (table, pk, shard), update in plan.updates.items():
            item = self.stats[pk] if table == "stats" else self.active[(pk, shard)]
            for name, amount in update.adds.items():
                item[name] = item.get(name, 0) + amount
            item.update(update.sets)
            for name in update.removes:
                item.pop(name, None)
