"""The simulation engine: visitors as asyncio tasks on one core, each sending its events
as the tracker does (transport.py)."""

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

from . import journey, transport, truth
from .personas import People
from .scenarios import Scenario

SCHEMA = Path(__file__).resolve().parent.parent / "protocol" / "v1" / "event.schema.json"


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
        self.ledger: transport.Ledger | None = None  # open while running
        # for benchmarks: called with each visit's start and event offsets, and each event's time
        self.on_visit: Any = None
        self.on_event: Any = None
        self.check = fastjsonschema.compile(json.loads(SCHEMA.read_text()))

    async def run(self) -> None:
        if self.ledger_path:
            self.ledger = transport.Ledger(self.ledger_path)
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
            start = due = time.monotonic()
            try:
                while not self._over(start):
                    progress = (time.monotonic() - start) / self.duration if self.duration else 0.0
                    per_s = self.rate / 60 * self.scenario.rate(progress)
                    # arrivals keep to their own clock: a late one is started at once, not pushed on
                    due += self.rng.expovariate(per_s) if per_s > 0 else 0.1
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    if self._over(start) or per_s <= 0:
                        continue
                    person, returning = self.people.next(self.scenario.sources)
                    visit = journey.plan(self.rng, person, returning, self.site, self.rates)
                    task = asyncio.create_task(self.replay(http, visit))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            finally:  # the run is over: visits still under way end as a closed tab would
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def replay(self, http: aiohttp.ClientSession, visit: journey.Visit) -> None:
        """The visit in (compressed) real time; its queue flushes as the tracker's does."""
        self.progress.active += 1
        self.progress.peak_active = max(self.progress.peak_active, self.progress.active)
        self.progress.visits += 1
        begun = time.monotonic()
        queue = transport.Queue(begun)
        if self.on_visit:
            self.on_visit(begun, [e["at"] for e in visit.events])
        emitted = 0
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
                queue.add(event)
                emitted += 1
                if queue.due(time.monotonic()):
                    await self.flush(http, visit.persona.user_agent, queue)
            queue.final = True
            await self.flush(http, visit.persona.user_agent, queue)
        except asyncio.CancelledError:  # the run ended: the tab closes, its beacon sends the queue once
            current = asyncio.current_task()
            if current:
                current.uncancel()  # the cancellation is handled here: the beacon's requests may run
            queue.final = queue.beacon = True
            await self.flush(http, visit.persona.user_agent, queue)
        finally:
            self.progress.active -= 1
            self.people.left(visit.persona)
            if self.keep and emitted:  # the ground truth: what this visit sent, as far as it went
                seen = journey.cut(visit, emitted)
                self.sessions.append(truth.session(seen))
                self.journeys.append({"user_agent": visit.persona.user_agent, "events": seen.events})

    async def flush(self, http: aiohttp.ClientSession, agent: str, queue: transport.Queue) -> None:
        """One batch, or (the visit's last flush) everything, as the tracker sends it."""
        while queue.events:
            batch = queue.batch()
            self.progress.requests += 1
            self.progress.sent += len(batch)
            try:
                status, body = await self._post(http, agent, batch)
            except asyncio.CancelledError:  # cut off mid-send: the closing tab's beacon sends it again
                self.progress.retried += len(batch)
                raise
            self.progress.statuses[status] += 1
            outcome = queue.answered(status, body, time.monotonic())
            self.progress.retried += outcome.retried
            self.progress.errors += outcome.rejected + outcome.given_up
            self.progress.acknowledged += len(outcome.acknowledged)
            self.progress.acked_per_s[int(time.monotonic() - self.progress.started)] += len(outcome.acknowledged)
            if self.ledger:
                self.ledger.write(outcome.acknowledged)
            if outcome.wait_s:
                await asyncio.sleep(outcome.wait_s)
            if not queue.final:
                return

    async def _post(self, http: aiohttp.ClientSession, agent: str, batch: list[dict[str, Any]]) -> tuple[int, Any]:
        try:
            async with http.post(self.endpoint, data=transport.body(batch),
                                 headers={"Content-Type": "text/plain", "User-Agent": agent}) as response:
                body = await response.json(content_type=None) if response.status < 300 else {}
                return response.status, body
        except (TimeoutError, aiohttp.ClientError, json.JSONDecodeError):
            return 0, {}
