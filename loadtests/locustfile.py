"""Visitors from the simulator's model, replayed by Locust's FastHttpUsers.

Each user plays one visit after another, each event at its planned time divided by
--compression, and sends them as the tracker does (simulator/transport.py: the same queue,
batching, retries and ledger as `liveinsight simulate`; only the HTTP client differs).
Acknowledged events go to a ledger that `liveinsight reconcile` checks.

    locust -f loadtests/locustfile.py,loadtests/shapes/ramp.py --host http://127.0.0.1:3000
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task

from simulator import journey, transport
from simulator.personas import People


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--site", env_var="LIVEINSIGHT_SITE", default="demo", help="the site to send to")
    parser.add_argument("--seed", env_var="LIVEINSIGHT_SEED", type=int, default=1, help="visitor model seed")
    parser.add_argument("--compression", env_var="LIVEINSIGHT_COMPRESSION", type=float, default=1.0,
                        help="think time = the page's dwell time / this (1: realistic)")
    parser.add_argument("--journeys", env_var="LIVEINSIGHT_JOURNEYS", default="",
                        help="replay journeys recorded by `liveinsight simulate --record` instead")
    parser.add_argument("--ledger", env_var="LIVEINSIGHT_LEDGER", default=".liveinsight/ledgers/locust.jsonl",
                        help="where acknowledged events are written, for `liveinsight reconcile`")


class Recorded:
    """Journeys from a JSONL file, handed out in turn."""

    def __init__(self, path: str) -> None:
        self.items = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
        self.next = 0
        self.lock = threading.Lock()

    def take(self) -> dict[str, Any]:
        with self.lock:
            item = self.items[self.next % len(self.items)]
            self.next += 1
            return item


_recorded: Recorded | None = None
_ledger: transport.Ledger | None = None


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    global _recorded, _ledger
    options = environment.parsed_options
    if options and options.journeys:
        _recorded = Recorded(options.journeys)
    if options and options.ledger:
        _ledger = transport.Ledger(Path(options.ledger))


class Visitor(FastHttpUser):
    """One simulated person after another, each making one visit."""

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.site = options.site if options else "demo"
        self.compression = options.compression if options else 1.0
        self.rng = random.Random(f"{options.seed if options else 1}-{id(self)}")
        self.people = People(self.rng)

    def journey(self) -> dict[str, Any]:
        if _recorded is not None:
            return _recorded.take()
        person, returning = self.people.next()
        visit = journey.plan(self.rng, person, returning, self.site, journey.Rates())
        return {"user_agent": person.user_agent, "events": visit.events, "person": person}

    @task
    def visit(self) -> None:
        plan = self.journey()
        begun = time.monotonic()
        queue = transport.Queue(begun)
        for planned in plan["events"]:
            wait = begun + planned["at"] / 1000 / self.compression - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            queue.add({**{k: v for k, v in planned.items() if k != "at"}, "ts": int(time.time() * 1000)})
            if queue.due(time.monotonic()):
                self.flush(plan["user_agent"], queue)
        queue.final = True
        self.flush(plan["user_agent"], queue)
        if plan.get("person"):
            self.people.left(plan["person"])  # gone: they may come back in a later visit

    def flush(self, agent: str, queue: transport.Queue) -> None:
        """One batch, or (the visit's last flush) everything, as the tracker sends it."""
        while queue.events:
            with self.client.post("/events", data=transport.body(queue.batch()), name="POST /events",
                                  headers={"Content-Type": "text/plain", "User-Agent": agent},
                                  catch_response=True) as response:
                status = response.status_code or 0
                try:
                    answer = response.json() if 200 <= status < 300 else {}
                except ValueError:
                    answer = {}
                outcome = queue.answered(status, answer, time.monotonic())
                if outcome.rejected:
                    response.failure(f"{status}: {outcome.rejected} events rejected")
                elif outcome.retried:
                    response.failure(f"{status}; sent again as the tracker does")
            if _ledger:
                _ledger.write(outcome.acknowledged)
            if outcome.wait_s:
                time.sleep(outcome.wait_s)
            if not queue.final:
                return
