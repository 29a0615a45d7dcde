"""The real ingest, sessionizer and counters code over the DynamoDB model (dynamo.py), with
the template's tables and streams: for unit tests, and the capacity benchmark's virtual time.

`send` is one POST /events; `sessionize` and `count` are one poll of every stream shard by
each function's event source mapping; `drain` runs both until the streams are read.
"""

from __future__ import annotations

import json
from typing import Any

from aggregate import batch as counting
from aggregate.config import Config as CountersConfig
from ingest import process
from ingest.config import Config as IngestConfig
from ingest.store import DynamoStore
from sessionize import batch as sessionizing
from sessionize.config import Config as SessionizeConfig

from layout import sites

from .dynamo import Dynamo

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
EVENTS, SESSIONS, ACTIVE, STATS, SITES = "events", "sessions", "active", "stats", "sites"


class Pipeline:
    def __init__(self, site_config: dict[str, dict[str, Any]] | None = None, skew_s: int = 300,
                 timeout_s: int = 1800) -> None:
        self.ddb = Dynamo()
        self.ddb.create(EVENTS, "pk", "event_id", stream="NEW_IMAGE")
        self.ddb.create(SESSIONS, "pk", stream="NEW_AND_OLD_IMAGES")
        self.ddb.create(ACTIVE, "pk", "sk")
        self.ddb.create(STATS, "pk")
        self.ddb.create(SITES, "site_id")
        for site_id, config in (site_config or {"demo": {"allowed_origins": ["http://localhost:8000"]}}).items():
            item = {"site_id": {"S": site_id},
                    "allowed_origins": {"L": [{"S": o} for o in config.get("allowed_origins", [])]}}
            if config.get("funnels"):
                item["funnels"] = {"S": json.dumps(config["funnels"])}
            self.ddb.put_item(TableName=SITES, Item=item)
        self.ingest_config = IngestConfig(events_table=EVENTS, sites_table=SITES, max_skew_s=skew_s)
        self.store = DynamoStore(self.ddb, self.ingest_config)
        self.sessionize_config = SessionizeConfig(sessions_table=SESSIONS, active_table=ACTIVE, sites_table=SITES,
                                                  session_timeout_s=timeout_s, max_skew_s=skew_s)
        self.counters_config = CountersConfig(events_table=EVENTS, sessions_table=SESSIONS, stats_table=STATS,
                                              sites_table=SITES)
        self.site_cache = sites.Cache(self.ddb, SITES)
        self.read: dict[tuple[str, str], int] = {}  # (consumer, stream shard) -> records read
        self.invocations = {"sessionize": 0, "count": 0}

    def send(self, body: Any, now_ms: int, origin: str | None = None, ua: str = BROWSER_UA) -> process.Result:
        self.ddb.now = now_ms / 1000
        text = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return process.ingest(process.Request(text, origin, ua, now_ms), self.store, self.ingest_config)

    def _polls(self, consumer: str, tables: tuple[str, ...], most: int) -> list[list[dict[str, Any]]]:
        """One poll of every shard of the tables' streams: each shard's unread records, up to `most`."""
        batches = []
        for stream in sorted(self.ddb.records):
            if stream.split("#")[0] not in tables:
                continue
            start = self.read.get((consumer, stream), 0)
            batch = self.ddb.records[stream][start:start + most]
            if batch:
                self.read[(consumer, stream)] = start + len(batch)
                batches.append(batch)
        return batches

    def sessionize(self) -> int:
        found = self._polls("sessionize", (EVENTS,), 1000)
        for batch in found:
            sessionizing.process(batch, self.ddb, self.sessionize_config, self.site_cache)
            self.invocations["sessionize"] += 1
        return len(found)

    def count(self) -> int:
        found = self._polls("count", (EVENTS, SESSIONS), 10_000)
        for batch in found:
            counting.process(batch, self.ddb, self.counters_config, self.site_cache)
            self.invocations["count"] += 1
        return len(found)

    def drain(self) -> None:
        while self.sessionize() + self.count():
            pass

    def counters(self, site_id: str, suffix: str) -> dict[str, float]:
        from layout import counters as layout_counters
        return layout_counters.read(self.ddb, STATS, site_id, [suffix])[suffix]
