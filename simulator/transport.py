"""The tracker's send policy (tracker/src/queue.js), written once for everything that plays
visitors: the simulator (asyncio and aiohttp) and Locust (gevent and its HTTP client) differ
only in how they send a batch and how they wait.

A visit's events queue up; a batch of up to BATCH goes when BATCH are waiting or INTERVAL_S
has passed since the last send, and everything goes when the visit ends. A batch answered
429, 5xx or not at all is sent again: a periodic flush keeps it queued (the newest KEEP) for
the next one; the final flush retries after 1, 2, 4 ... 60 s, and gives up after GIVE_UP
resends. A tab closed mid-visit sends what is queued once, as the tracker's beacon does, and
never again. Acknowledged events go to the ledger `reconcile` checks."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BATCH, INTERVAL_S, KEEP, GIVE_UP = 10, 5.0, 200, 12
LEDGER_MAX_BYTES = 64 << 20  # a ledger file rotates past this
MAX_DELAY_S = 60.0
LEDGER_FIELDS = ("event_id", "site_id", "visitor_id", "session_id", "type")


def body(batch: list[dict[str, Any]]) -> str:
    return json.dumps({"events": batch})


def retried(status: int) -> bool:
    """Whether the tracker sends a batch again after this answer (0: no answer at all)."""
    return status == 0 or status == 429 or status >= 500


@dataclass
class Outcome:
    """What one answer did to the queue."""

    acknowledged: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0  # refused by the ingest, for good
    retried: int = 0  # to be sent again
    given_up: int = 0  # the final flush stopped resending these
    wait_s: float = 0.0  # before the next send


class Queue:
    """One visit's events, waiting to be sent."""

    def __init__(self, now: float) -> None:
        self.events: list[dict[str, Any]] = []
        self.last_flush = now
        self.final = False  # the visit is over: send everything
        self.beacon = False  # the tab is closing: each batch goes once, answered or not
        self.attempts, self.delay = 0, 0.0
        self.resending = False  # the next batch was sent before and is sent again

    def add(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def due(self, now: float) -> bool:
        return bool(self.events) and (len(self.events) >= BATCH or now - self.last_flush >= INTERVAL_S)

    def batch(self) -> list[dict[str, Any]]:
        return self.events[:BATCH]

    def answered(self, status: int, answer: dict[str, Any], now: float) -> Outcome:
        """The queue after the answer to `batch()`: what was acknowledged, and what comes next."""
        batch = self.batch()
        self.resending = retried(status) and not self.beacon
        if retried(status):
            if self.beacon:
                self.events = self.events[len(batch):]
                return Outcome(given_up=len(batch))
            if not self.final:
                self.events, self.last_flush = self.events[-KEEP:], now  # the next flush tries again
                return Outcome(retried=len(batch))
            self.attempts += 1
            if self.attempts > GIVE_UP:
                gone, self.events = len(self.events), []
                return Outcome(retried=len(batch), given_up=gone)
            self.delay = min(self.delay * 2 or 1.0, MAX_DELAY_S)
            return Outcome(retried=len(batch), wait_s=self.delay)
        self.events, self.last_flush, self.delay = self.events[len(batch):], now, 0.0
        refused = {r["index"] for r in answer.get("rejected", [])} if 200 <= status < 300 else set(range(len(batch)))
        return Outcome(acknowledged=[e for i, e in enumerate(batch) if i not in refused], rejected=len(refused))


class Ledger:
    """Acknowledged events, one JSON line each, from any number of threads or tasks. Past
    `max_bytes` the file rotates: it becomes `<name>.1` (the one before is gone) and a new
    one starts, so an endless run's ledger holds at most about twice that."""

    def __init__(self, path: Path, fresh: bool = True, max_bytes: int = LEDGER_MAX_BYTES) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.max_bytes = path, max_bytes
        self.file = path.open("w" if fresh else "a", buffering=1)
        self.written = 0 if fresh else path.stat().st_size
        self.lock = threading.Lock()

    def write(self, events: list[dict[str, Any]]) -> None:
        if events:
            lines = "".join(json.dumps({k: e[k] for k in LEDGER_FIELDS}) + "\n" for e in events)
            with self.lock:
                if self.written and self.written + len(lines) > self.max_bytes:
                    self.file.close()
                    self.path.replace(self.path.with_name(self.path.name + ".1"))
                    self.file, self.written = self.path.open("w", buffering=1), 0
                self.file.write(lines)
                self.written += len(lines)

    def close(self) -> None:
        self.file.close()
