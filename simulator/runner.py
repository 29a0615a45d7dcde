"""The simulation engine: visitors as asyncio tasks on one core, each sending its events
as the tracker does (a batch of up to 10 every 5 s, everything when the visit ends,
retries backing off from 1 s to 60 s after a 429, a 5xx or a lost connection)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import fastjsonschema

from . import journey, truth
from .personas import People
from .scenarios import Scenario

SCHEMA = Path(__file__).resolve().parent.parent / "protocol" / "v1" / "event.schema.json"
BATCH, INTERVAL_S, KEEP = 10, 5.0, 200  # tracker/src/queue.js
LEDGER_FIELDS = ("event_id", "site_id", "visitor_id", "session_id", "type")
GIVE_UP = 12  # resends of a finished visit's last batch (about 8 minutes); a browser would keep it


@dataclass
class Progress:
    """Counts of a run; `statuses` counts answers by HTTP status (0: no answer)."""

    active: int = 0
    visits: int = 0
    sent: int = 0
    acknowledged: int = 0
    retried: int = 0
    errors: int = 0
    requests: int = 0
    started: float = field(default_factory=time.monotonic)
    peak_active: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    acked_per_s: Counter[int] = field(default_factory=Counter)  # second of the run -> events acknowledged


class Run:
    def __init__(self, endpoint: str, site: str, scenario: Scenario, seed: int, rate_per_min: float,
                 duration_s: float, compression: float = 1.0, rates: journey.Rates | None = None,
                 ledger: Path | None = None, keep: bool = True) -> None:
        """duration_s 0 runs until cancelled; `keep` holds every session and journey for the
        ground truth (leave it off for endless runs); acknowledged events go to `ledger`."""
        self.endpoint, self.site, self.scenario = endpoint.rstrip("/") + "/events", site, scenario
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.rate, self.duration, self.compression = rate_per_min, duration_s, compression
        self.rates = rates or journey.Rates()
        self.progress = Progress()
        self.sessions: list[dict[str, Any]] = []
        self.journeys: list[dict[str, Any]] = []
        self.keep, self.ledger_path = keep, ledger
        self.ledger: Any = None  # the open ledger file while running
        # for benchmarks: called with each visit's start and event offsets, and each event's time
        self.on_visit: Any = None
        self.on_event: Any = None
        self.check = fastjsonschema.compile(json.loads(SCHEMA.read_text()))

    async def run(self) -> None:
        if self.ledger_path:
            self.ledger_path.parent.mkdir(parents=True, exist_ok=True)
            self.ledger = self.ledger_path.open("w", buffering=1)
        try:
            await self._arrivals()
        finally:
            if self.ledger:
                self.ledger.close()

    def _over(self, start: float) -> bool:
        return bool(self.duration) and time.monotonic() - start >= self.duration

    async def _arrivals(self) -> None:
        connector = aiohttp.TCPConnector(limit=64)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
            tasks: set[asyncio.Task[None]] = set()
            start = time.monotonic()
            try:
                while not self._over(start):
                    progress = (time.monotonic() - start) / self.duration if self.duration else 0.0
                    per_s = self.rate / 60 * self.scenario.rate(progress)
                    await asyncio.sleep(self.rng.expovariate(per_s) if per_s > 0 else 0.1)
                    if self._over(start):
                        break
                    person, returning = self.people.next(self.scenario.sources)
                    visit = journey.plan(self.rng, person, returning, self.site, self.rates)
                    task = asyncio.create_task(self.replay(http, visit))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if tasks:
                    await asyncio.gather(*tasks)
            finally:  # stopped early: the visits still under way end with the session
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def replay(self, http: aiohttp.ClientSession, visit: journey.Visit) -> None:
        """The visit in (compressed) real time; its queue flushes as the tracker's does."""
        self.progress.active += 1
        self.progress.peak_active = max(self.progress.peak_active, self.progress.active)
        self.progress.visits += 1
        if self.keep:
            self.sessions.append(truth.session(visit))
            self.journeys.append({"user_agent": visit.persona.user_agent, "events": visit.events})
        queue: list[dict[str, Any]] = []
        begun, last_flush = time.monotonic(), time.monotonic()
        if self.on_visit:
            self.on_visit(begun, [e["at"] for e in visit.events])
        try:
            for planned in visit.events:
                wait = begun + planned["at"] / 1000 / self.compression - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                event = {k: v for k, v in planned.items() if k != "at"}
                event["ts"] = int(time.time() * 1000)
                if self.on_event:
                    self.on_event(time.monotonic())
                self.check(event)
                queue.append(event)
                if len(queue) >= BATCH or time.monotonic() - last_flush >= INTERVAL_S:
                    queue = await self.flush(http, visit.persona.user_agent, queue, until_empty=False)
                    last_flush = time.monotonic()
            await self.flush(http, visit.persona.user_agent, queue, until_empty=True)
        finally:
            self.progress.active -= 1

    async def flush(self, http: aiohttp.ClientSession, agent: str, queue: list[dict[str, Any]],
                    until_empty: bool) -> list[dict[str, Any]]:
        delay, attempts = 0.0, 0
        while queue:
            batch = queue[:BATCH]
            self.progress.requests += 1
            self.progress.sent += len(batch)
            status, body = await self._post(http, agent, batch)
            self.progress.statuses[status] += 1
            if status == 0 or status == 429 or status >= 500:
                self.progress.retried += len(batch)
                if not until_empty:
                    return queue[-KEEP:]  # kept for the next flush, as the tracker's queue is
                attempts += 1
                if attempts > GIVE_UP:
                    self.progress.errors += len(queue)
                    return []
                delay = min(delay * 2 or 1.0, 60.0)
                await asyncio.sleep(delay)
                continue
            delay = 0.0
            queue = queue[len(batch):]
            rejected = {r["index"] for r in body.get("rejected", [])} if 200 <= status < 300 else set(range(len(batch)))
            self.progress.errors += len(rejected)
            acked = [e for i, e in enumerate(batch) if i not in rejected]
            self.progress.acknowledged += len(acked)
            self.progress.acked_per_s[int(time.monotonic() - self.progress.started)] += len(acked)
            if self.ledger:
                self.ledger.write("".join(json.dumps({k: e[k] for k in LEDGER_FIELDS}) + "\n" for e in acked))
            if not until_empty:
                break
        return queue

    async def _post(self, http: aiohttp.ClientSession, agent: str, batch: list[dict[str, Any]]) -> tuple[int, Any]:
        try:
            async with http.post(self.endpoint, data=json.dumps({"events": batch}),
                                 headers={"Content-Type": "text/plain", "User-Agent": agent}) as response:
                body = await response.json(content_type=None) if response.status < 300 else {}
                return response.status, body
        except (TimeoutError, aiohttp.ClientError, json.JSONDecodeError):
            return 0, {}
