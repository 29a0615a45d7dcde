"""30 days of demo-shop history, stored by the real ingest code at simulated times and counted
by the stack's own stream consumers, and the naive way to answer a history question: a Scan
of every stored event."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import uuid
import zlib
from collections import Counter
from typing import Any

from ingest import process
from ingest.config import Config
from ingest.store import DynamoStore

from layout import counters

from .bench_ingest import UA

PAGES = ["/demo/", "/demo/products/", "/demo/products/trail-runner/", "/demo/products/rain-shell/",
         "/demo/products/day-pack/", "/demo/products/camp-mug/", "/demo/cart/", "/demo/checkout/"]
SOURCES = ["", "https://www.google.com/", "https://news.ycombinator.com/", "https://t.co/x"]
DAY_MS = 86_400_000


def session_events(rng: random.Random, visitor: str, start: int) -> list[dict[str, Any]]:
    """One visit: page views with heartbeats between, now and then a purchase."""
    session, out, ts = uuid.uuid4().hex[:16], [], start
    referrer = rng.choice(SOURCES)
    for page in rng.sample(PAGES, rng.randint(1, 4)):
        base = {"site_id": "demo", "visitor_id": visitor, "session_id": session,
                "url": f"http://127.0.0.1:8000{page}"}
        out.append({**base, "event_id": str(uuid.uuid4()), "type": "page_view", "ts": ts,
                    **({"referrer": referrer} if referrer and not out else {})})
        ts += 10_000
        out.append({**base, "event_id": str(uuid.uuid4()), "type": "heartbeat", "ts": ts, "engaged_ms": 10_000})
        ts += 5_000
    if rng.random() < 0.05:
        out.append({**base, "event_id": str(uuid.uuid4()), "type": "conversion", "ts": ts, "goal": "purchase",
                    "value": 59.0})
    return out


def visits(count: int, days: int, now_ms: int, seed: int = 7) -> list[list[dict[str, Any]]]:
    """Sessions adding up to at least `count` events, spread over the last `days` days, oldest first."""
    rng = random.Random(seed)
    pool = [f"visitor-{i:06d}" for i in range(count // 25)]
    today = now_ms // DAY_MS * DAY_MS
    out, total = [], 0
    while total < count:
        day = rng.randrange(days)
        start = today - day * DAY_MS + rng.randrange(DAY_MS - 120_000)
        if start > now_ms - 3_600_000:
            continue
        one = session_events(rng, rng.choice(pool), start)
        out.append(one)
        total += len(one)
    return sorted(out, key=lambda s: s[0]["ts"])


def ingest_all(ddb: Any, outputs: dict[str, str], sessions: list[list[dict[str, Any]]], threads: int = 4) -> int:
    """Every visit through the ingest's own code, one request each, received at its simulated
    time (its last event's). The stack's sessionizer and counters then count them from the
    Events stream."""
    config = Config(events_table=outputs["EventsTableName"], sites_table=outputs["SitesTableName"])
    store = DynamoStore(ddb, config)
    stored = Counter[str]()
    lock = threading.Lock()

    def work(part: list[list[dict[str, Any]]]) -> None:
        for events in part:
            received = max(e["ts"] for e in events)
            result = process.ingest(process.Request(json.dumps({"events": events}), None, UA, received), store, config)
            with lock:
                stored["new"] += result.new

    # each visitor's visits go through one thread, in time order, as a visitor's requests arrive
    parts: list[list[list[dict[str, Any]]]] = [[] for _ in range(threads)]
    for visit in sessions:
        parts[zlib.crc32(visit[0]["visitor_id"].encode()) % threads].append(visit)
    workers = [threading.Thread(target=work, args=(part,)) for part in parts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return stored["new"]


def counted(ddb: Any, outputs: dict[str, str], first: dt.date, last: dt.date, site: str = "demo") -> int:
    """Events the stack has counted over the days, from the day items."""
    numbers = range((first - dt.date(1970, 1, 1)).days, (last - dt.date(1970, 1, 1)).days + 1)
    found = counters.read(ddb, outputs["StatsTableName"], site, [counters.day(n) for n in numbers])
    return int(sum(c.get("ev", 0) + c.get("bot", 0) for c in found.values()))


def wait_counted(ddb: Any, outputs: dict[str, str], first: dt.date, last: dt.date, total: int,
                 timeout_s: float = 900.0) -> float:
    """Seconds until the stack's counters hold `total` events over the days."""
    began = time.perf_counter()
    while counted(ddb, outputs, first, last) < total:
        if time.perf_counter() - began > timeout_s:
            raise TimeoutError(f"counted {counted(ddb, outputs, first, last)} of {total} events")
        time.sleep(1)
    return time.perf_counter() - began


def scan_summary(ddb: Any, table: str, first: dt.date, last: dt.date, budget_s: float = 60.0) -> dict[str, Any]:
    """The naive answer: every stored event read, visitors and page views counted in memory.
    Stops after `budget_s` (the emulator's Scan pages grow slower as they go)."""
    start = int(dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC).timestamp() * 1000)
    end = start + ((last - first).days + 1) * DAY_MS
    kwargs: dict[str, Any] = {"TableName": table, "FilterExpression": "site_id = :s AND ts BETWEEN :a AND :b",
                              "ExpressionAttributeValues": {":s": {"S": "demo"}, ":a": {"N": str(start)},
                                                            ":b": {"N": str(end - 1)}}}
    visitors_seen, pageviews, scanned = set(), 0, 0
    began = time.perf_counter()
    while time.perf_counter() - began < budget_s:
        page = ddb.scan(**kwargs)
        scanned += page["ScannedCount"]
        for item in page["Items"]:
            visitors_seen.add(item["visitor_id"]["S"])
            pageviews += item["type"]["S"] == "page_view"
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"seconds": time.perf_counter() - began, "scanned": scanned, "complete": "LastEvaluatedKey" not in page,
            "visitors": len(visitors_seen), "pageviews": pageviews}


def timed(call: Any, times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out
