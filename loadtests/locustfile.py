"""Visitors from the simulator's model, replayed by Locust's FastHttpUsers.

Each user plays one visit after another: the events of each page go as one batch (at
most 10, as the tracker sends them), then the user waits the page's dwell time divided
by --compression. Acknowledged events go to a ledger that `liveinsight reconcile` checks.

    locust -f loadtests/locustfile.py,loadtests/shapes/ramp.py --host http://127.0.0.1:3000
"""

from __future__ import annotations

import json
import random
import threading
import time
from itertools import groupby
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task

from simulator import journey
from simulator.personas import People

_ledger_lock = threading.Lock()


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


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    global _recorded
    options = environment.parsed_options
    if options and options.journeys:
        _recorded = Recorded(options.journeys)
    if options:
        Path(options.ledger).parent.mkdir(parents=True, exist_ok=True)
        Path(options.ledger).write_text("")


class Visitor(FastHttpUser):
    """One simulated person after another, each making one visit."""

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.site = options.site if options else "demo"
        self.compression = options.compression if options else 1.0
        self.ledger = options.ledger if options else None
        self.rng = random.Random(f"{options.seed if options else 1}-{id(self)}")
        self.people = People(self.rng)

    def journey(self) -> dict[str, Any]:
        if _recorded is not None:
            return _recorded.take()
        person, returning = self.people.next()
        visit = journey.plan(self.rng, person, returning, self.site, journey.Rates())
        return {"user_agent": person.user_agent, "events": visit.events}

    @task
    def visit(self) -> None:
        plan = self.journey()
        begun = time.monotonic()
        for _, page in groupby(plan["events"], key=lambda e: e["session_id"] + e["url"].split("?")[0]):
            events_ = list(page)
            for start in range(0, len(events_), 10):
                self.send(plan["user_agent"], events_[start:start + 10], begun)

    def send(self, agent: str, planned: list[dict[str, Any]], begun: float) -> None:
        wait = begun + planned[-1]["at"] / 1000 / self.compression - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        now = int(time.time() * 1000)
        batch = [{**{k: v for k, v in e.items() if k != "at"}, "ts": now} for e in planned]
        delay = 0.0
        while True:
            with self.client.post("/events", data=json.dumps({"events": batch}), name="POST /events",
                                  headers={"Content-Type": "text/plain", "User-Agent": agent},
                                  catch_response=True) as response:
                if response.status_code == 200:
                    rejected = {r["index"] for r in response.json().get("rejected", [])}
                    self.acknowledge([e for i, e in enumerate(batch) if i not in rejected])
                    if rejected:
                        response.failure(f"{len(rejected)} events rejected")
                    return
                if response.status_code not in (0, 429) and response.status_code < 500:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
                response.failure(f"{response.status_code}; retrying as the tracker does")
            delay = min(delay * 2 or 1.0, 60.0)  # tracker/src/queue.js
            time.sleep(delay)

    def acknowledge(self, acked: list[dict[str, Any]]) -> None:
        if not self.ledger:
            return
        lines = "".join(json.dumps({k: e[k] for k in ("event_id", "site_id", "visitor_id", "session_id", "type")})
                        + "\n" for e in acked)
        with _ledger_lock, open(self.ledger, "a") as out:
            out.write(lines)


