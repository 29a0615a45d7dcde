"""Capacity benchmark: what the write path costs on AWS, at 1,000, 10,000 and 100,000
concurrent visitors on one site, against the original design computed in the same run.

The simulator's visit model is replayed in virtual time with the tracker's send policy (a
batch every 5 s, at once at 10 events, the rest by beacon when a page hides), through the
real ingest, sessionizer and counters code over a model of DynamoDB (dynamo.py) that bills
every request by DynamoDB's rules: item sizes, twice in transactions, reads in 4 KB. Streams
are split by partition key over as many shards as their table needs partitions (1,000 write
units a second each); the sessionizer polls each shard four times a second, the counters
once per batching window. The same requests go through the original design's code (three
writes per event) over a second model. The population starts mid-visit (length-biased) and
is measured after a warm-up, in steady state. Nothing is extrapolated: 100,000 visitors run as
two halves side by side (each with its own visitors and half the stream shards), whose units
on shared keys are added second by second, over a shorter window than the smaller scales.

Goals: at most 2.0 write units per event at every scale; at 100,000 visitors the hottest
partition key at most 300 WCU/s and 1,000 RCU/s, and one read of "active now" at most 100
RCU; no item over 64 KB.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from layout import active, recent

from .dynamo import Dynamo
from .pipeline import ACTIVE, EVENTS, SESSIONS, STATS, Pipeline

SCALES = [1_000, 10_000, 100_000]
TICK_S = 0.25  # Lambda polls a stream shard four times a second
WINDOW_S = 5.0  # CountersBatchWindowSeconds' default
BATCH, INTERVAL_MS = 10, 5000  # tracker/src/queue.js
WRU_USD, RRU_USD = 0.625, 0.125  # per million, us-east-1 on demand
T0 = 1_796_000_000_000
FUNNEL = [{"name": "checkout", "steps": [{"page": "/demo/products/*"}, {"page": "/demo/cart/"},
                                          {"page": "/demo/checkout/"}, {"goal": "purchase"}]}]


def requests_of(events: list[dict[str, Any]], start_ms: int, skip_before: int) -> list[tuple[int, list[Any]]]:
    """A visit's requests as the tracker sends them: (time, events). Events before
    `skip_before` ms into the visit happened before the run began and are not sent."""
    out: list[tuple[int, list[Any]]] = []
    queue: list[dict[str, Any]] = []
    loaded = None

    def flush(at: int, everything: bool) -> None:
        while queue:
            out.append((at, queue[:BATCH]))
            del queue[:BATCH]
            if not everything:
                return

    def ticks_until(at: int) -> None:
        if loaded is None:
            return
        tick = loaded + INTERVAL_MS * (1 + max(0, (out[-1][0] if out else loaded) - loaded) // INTERVAL_MS)
        while tick <= at and queue:
            flush(tick, everything=False)
            tick += INTERVAL_MS

    for planned in events:
        at = start_ms + planned["at"]
        ticks_until(at)
        if planned["type"] == "page_view":
            flush(at, everything=True)  # the previous page hides: its queue leaves by beacon
            loaded = at
        if planned["at"] >= skip_before:
            event = {k: v for k, v in planned.items() if k != "at"}
            event["ts"] = at
            queue.append(event)
        if len(queue) >= BATCH:
            flush(at, everything=False)
    end = start_ms + events[-1]["at"] + 1000
    ticks_until(end)
    flush(end, everything=True)
    return [(at, batch) for at, batch in out if at >= start_ms + skip_before]


class Visits:
    """The visit model's visits: a population already mid-visit, then arrivals."""

    def __init__(self, concurrent: int, seed: int) -> None:
        from simulator import journey
        from simulator.personas import People
        from simulator.scenarios import DEFAULT_SOURCES
        self.rng = random.Random(seed)
        self.people, self.sources, self.journey = People(self.rng), DEFAULT_SOURCES, journey
        self.leaving: list[tuple[float, int, Any]] = []  # (when a visit ends, order, its visitor)
        self.order = itertools.count()
        sample = [self._plan() for _ in range(2000)]
        lengths = sorted(v.events[-1]["at"] + 1000 for v in sample)
        self.mean_s = statistics.mean(lengths) / 1000
        self.long_ms = lengths[len(lengths) * 99 // 100]  # longer visits are taken as if this long
        self.events_per_visit = statistics.mean(len(v.events) for v in sample)
        self.per_s = concurrent / self.mean_s  # Little's law

    def _plan(self, start_ms: float | None = None) -> Any:
        """A visit; one starting at `start_ms` lets its visitor come back once it has ended."""
        while self.leaving and start_ms is not None and self.leaving[0][0] <= start_ms:
            self.people.left(heapq.heappop(self.leaving)[2])
        person, returning = self.people.next(self.sources)
        visit = self.journey.plan(self.rng, person, returning, "demo", self.journey.Rates())
        if start_ms is not None:
            heapq.heappush(self.leaving, (start_ms + visit.events[-1]["at"], next(self.order), person))
        return visit

    def requests(self, concurrent: int, until_ms: int) -> list[tuple[int, str, list[Any]]]:
        """Every request of the run, (time, user agent, events), in time order."""
        out: list[tuple[int, str, list[Any]]] = []
        made = 0
        while made < concurrent:  # mid-visit at T0: chosen in proportion to their length
            visit = self._plan()
            length = visit.events[-1]["at"] + 1000
            if self.rng.random() * self.long_ms > length:
                continue
            offset = self.rng.randrange(length)
            heapq.heappush(self.leaving, (T0 - offset + length, next(self.order), visit.persona))
            made += 1
            out += [(at, visit.persona.user_agent, b) for at, b in requests_of(visit.events, T0 - offset, offset)]
        at = float(T0)
        while True:
            at += self.rng.expovariate(self.per_s) * 1000
            if at >= until_ms:
                break
            visit = self._plan(at)
            out += [(t, visit.persona.user_agent, b) for t, b in requests_of(visit.events, int(at), 0)]
        return sorted((r for r in out if r[0] < until_ms), key=lambda r: r[0])


def original_design() -> Any:
    """The original handler (benchmarks/baseline), its client swapped for a DynamoDB model."""
    os.environ.update(EVENTS_TABLE="events", SESSIONS_TABLE="sessions", ACTIVE_SESSIONS_TABLE="active",
                      AWS_DEFAULT_REGION="us-east-1")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "baseline", "src"))
    import baseline
    model = Dynamo()
    model.create("events", "event_id")
    model.create("sessions", "session_id")
    model.create("active", "site_id", "session_id")
    baseline.ddb = model
    return baseline


def run_part(concurrent: int, part: int, parts: int, warm_s: float, measure_s: float,
             seed: int = 11) -> dict[str, Any]:
    """One of `parts` independent slices of a site with `concurrent` visitors: its own
    visitors and its share of the stream shards. Shared keys are kept per second, to add up."""
    began = time.perf_counter()
    visits = Visits(concurrent // parts, seed + part)
    end_ms = T0 + int((warm_s + measure_s) * 1000)
    requests = visits.requests(concurrent // parts, end_ms)
    pipeline = Pipeline({"demo": {"allowed_origins": [], "funnels": FUNNEL}})
    events_per_s = concurrent * visits.events_per_visit / visits.mean_s
    # a stream has a shard per table partition; a partition takes 1,000 write units a second
    shards = (max(1, math.ceil(events_per_s / 1000)), max(1, math.ceil(events_per_s * 0.6 / 1000)))
    pipeline.ddb.shards[EVENTS] = max(1, shards[0] // parts)
    pipeline.ddb.shards[SESSIONS] = max(1, shards[1] // parts)
    original = original_design()
    events = sent = measured_requests = 0
    tick, next_count, started = T0, T0, False
    while tick < end_ms:
        tick += int(TICK_S * 1000)
        if not started and tick >= T0 + warm_s * 1000:
            pipeline.ddb.reset_usage(kept={STATS, ACTIVE})
            original.ddb.reset_usage(kept={"active"})
            started = True
        while sent < len(requests) and requests[sent][0] <= tick:
            at, agent, batch = requests[sent]
            sent += 1
            body = json.dumps({"events": batch})
            pipeline.send(body, at, ua=agent)
            original.ddb.now = at / 1000
            original.handler({"body": body}, None)
            if started:
                events += len(batch)
                measured_requests += 1
        pipeline.ddb.now = tick / 1000
        pipeline.sessionize()
        if tick >= next_count:
            pipeline.count()
            next_count = tick + int(WINDOW_S * 1000)
    ours, theirs = pipeline.ddb, original.ddb
    peaks, base_peaks = ours.peaks(), theirs.peaks()
    read_before = sum(ours.read_units.values())
    active.read(ours, STATS, ACTIVE, recent.Feed("demo", active.WINDOW_MINUTES), end_ms)
    return {"events": events, "requests": measured_requests, "shards": shards, "simulated": (warm_s, measure_s),
            "active_read": sum(ours.read_units.values()) - read_before,
            "write_units": dict(ours.write_units), "read_units": {t: u for t, u in ours.read_units.items()},
            "read_units_before_active": read_before, "peaks": peaks, "seconds": dict(ours.seconds),
            "largest": ours.largest, "base_write_units": sum(theirs.write_units.values()),
            "base_read_units": sum(theirs.read_units.values()), "base_peaks": base_peaks,
            "base_seconds": dict(theirs.seconds), "base_largest": theirs.largest,
            "run_s": time.perf_counter() - began}


def _hottest(parts: list[dict[str, Any]], peaks: str, seconds: str, direction: str) -> tuple[float, str]:
    """The busiest key-second: kept keys added up over the parts, the others as each part saw them."""
    total: dict[tuple[str, str, int], float] = {}
    for p in parts:
        for (d, table, key, second), units in p[seconds].items():
            if d == direction:
                total[(table, key, second)] = total.get((table, key, second), 0.0) + units
    best = max(((u, f"{t} {k}") for (t, k, _), u in total.items()), default=(0.0, ""))
    return max([best] + [p[peaks][direction] for p in parts])


def scale(concurrent: int, parts: list[dict[str, Any]], measure_s: float) -> dict[str, Any]:
    events = sum(p["events"] for p in parts)
    writes = {t: sum(p["write_units"].get(t, 0) for p in parts) for t in sorted(parts[0]["write_units"])}
    reads = sum(p["read_units_before_active"] for p in parts)
    wru, rru = sum(writes.values()) / events, reads / events
    base_wru = sum(p["base_write_units"] for p in parts) / events
    base_rru = sum(p["base_read_units"] for p in parts) / events
    return {
        "concurrent": concurrent, "events_per_s": events / measure_s,
        "events_per_request": events / sum(p["requests"] for p in parts),
        "wru": wru, "rru": rru, "usd": wru * WRU_USD + rru * RRU_USD,
        "wru_by_table": {t: round(u / events, 3) for t, u in writes.items()},
        "hot_w": _hottest(parts, "peaks", "seconds", "write"), "hot_r": _hottest(parts, "peaks", "seconds", "read"),
        "largest": max(p["largest"] for p in parts), "active_read_rru": parts[0]["active_read"],
        "shards": parts[0]["shards"], "parts": len(parts), "run_s": max(p["run_s"] for p in parts),
        "simulated": parts[0]["simulated"],
        "base_wru": base_wru, "base_rru": base_rru, "base_usd": base_wru * WRU_USD + base_rru * RRU_USD,
        "base_hot_w": _hottest(parts, "base_peaks", "base_seconds", "write"),
        "base_largest": max(p["base_largest"] for p in parts),
    }


def run() -> dict[str, Any]:
    plan = {1_000: (1, 60.0, 60.0), 10_000: (1, 60.0, 60.0), 100_000: (2, 20.0, 20.0)}
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {n: [pool.submit(run_part, n, k, parts, warm, measure) for k in range(parts)]
                   for n, (parts, warm, measure) in sorted(plan.items(), reverse=True)}
        results = [scale(n, [f.result() for f in futures[n]], plan[n][2]) for n in SCALES]
    figures: dict[str, Any] = {}
    for r in results:
        name = f"{r['concurrent']:,} visitors"
        figures[f"{name}: events/s, events per request"] = f"{r['events_per_s']:,.0f}, {r['events_per_request']:.2f}"
        figures[f"{name}: WRU per event (ours / original)"] = f"{r['wru']:.2f} / {r['base_wru']:.2f}"
        figures[f"{name}:   ours by table"] = ", ".join(f"{t} {u}" for t, u in r["wru_by_table"].items())
        figures[f"{name}: RRU per event (ours / original)"] = f"{r['rru']:.2f} / {r['base_rru']:.2f}"
        figures[f"{name}: hottest key WCU/s (ours / original)"] = \
            f"{r['hot_w'][0]:,.0f} ({r['hot_w'][1]}) / {r['base_hot_w'][0]:,.0f} ({r['base_hot_w'][1]})"
        figures[f"{name}: hottest key RCU/s"] = f"{r['hot_r'][0]:,.0f} ({r['hot_r'][1]})"
        figures[f"{name}: largest item bytes (ours / original)"] = \
            f"{r['largest'][0]:,} ({r['largest'][1]}) / {r['base_largest'][0]:,}"
        figures[f"{name}: $ per million events (ours / original)"] = f"{r['usd']:.2f} / {r['base_usd']:.2f}"
        figures[f"{name}: one read of active now, RCU"] = f"{r['active_read_rru']:.1f}"
        figures[f"{name}: stream shards (Events, Sessions); simulated"] = \
            f"{r['shards'][0]}, {r['shards'][1]}; {r['simulated'][0]:.0f} s warm-up + {r['simulated'][1]:.0f} s " \
            f"measured, in {r['parts']} part(s) side by side, {r['run_s']:.0f} s of CPU each"
    top = results[-1]
    figures["goal: <= 2.0 WRU per event at every scale"] = \
        "met" if all(r["wru"] <= 2.0 for r in results) else "MISSED"
    figures["goal: hottest key <= 300 WCU/s and <= 1,000 RCU/s at 100,000"] = \
        "met" if top["hot_w"][0] <= 300 and top["hot_r"][0] <= 1000 else "MISSED"
    figures["goal: one read of active now <= 100 RCU at 100,000"] = \
        "met" if top["active_read_rru"] <= 100 else "MISSED"
    figures["goal: no item over 64 KB"] = "met" if all(r["largest"][0] <= 65536 for r in results) else "MISSED"
    return figures
