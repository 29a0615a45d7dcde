"""Visitors from the simulator's model, replayed by Locust's FastHttpUsers.

Each user plays one visit after another, each event at its planned time divided by
--compression, and sends them as the tracker does (simulator/transport.py: the same queue,
batching, retries and ledger as `liveinsight simulate`; only the HTTP client differs).
Acknowledged events go to a ledger (one per worker in distributed mode, named from its
index) that `liveinsight reconcile` checks, once every worker has closed its own.

The exit code is the run's verdict, not Locust's failure count: the master (or the one
process) reconciles every ledger of the run and answers 0 only when no acknowledged event
was lost or stored twice, POST /events kept its p95 within --slo-p95-ms and failed requests
stayed within --slo-error-ratio. A 429 or 503 that the tracker answers by sending again is
back-pressure, not a failure; the batch sent again is counted as "POST /events (retry)".

    locust -f loadtests/locustfile.py,loadtests/shapes/ramp.py --host http://127.0.0.1:3000
"""

from __future__ import annotations

import json
import logging
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task
from locust.runners import MasterRunner, WorkerRunner

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
                        help="where acknowledged events are written, for `liveinsight reconcile` (a worker's "
                             "gets -worker<index> in its name)")
    parser.add_argument("--slo-p95-ms", env_var="LIVEINSIGHT_SLO_P95_MS", type=float, default=2000.0,
                        help="the run fails if POST /events' p95 exceeds this")
    parser.add_argument("--slo-error-ratio", env_var="LIVEINSIGHT_SLO_ERROR_RATIO", type=float, default=0.01,
                        help="the run fails if a larger share of requests failed")
    parser.add_argument("--reconcile", env_var="LIVEINSIGHT_RECONCILE", choices=["yes", "no"], default="yes",
                        help="check the ledgers against the stack when the run ends (needs the stack's environment)")


def ledger_path(base: Path, runner: Any) -> Path:
    """Where this process writes: a worker's own file, so workers never share one."""
    if isinstance(runner, WorkerRunner):
        return base.with_name(f"{base.stem}-worker{runner.worker_index}{base.suffix}")
    return base


def worker_ledgers(base: Path) -> list[Path]:
    return sorted(base.parent.glob(f"{base.stem}-worker*{base.suffix}"))


def run_ledgers(base: Path) -> list[Path]:
    return [p for p in [base, *worker_ledgers(base)] if p.exists()]


def closed_mark(ledger: Path) -> Path:
    """Written by a worker once its users have stopped and its ledger is closed."""
    return ledger.with_name(ledger.name + ".closed")


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


BACK_PRESSURE = (429, 503)  # answers that ask the client to come back later (Retry-After)
_recorded: Recorded | None = None
_ledger: transport.Ledger | None = None


@events.init.add_listener
def _fresh(environment: Any, **_: Any) -> None:
    """The master (or the one process) clears the last run's ledgers before any is written."""
    options = environment.parsed_options
    if options and options.ledger and not isinstance(environment.runner, WorkerRunner):
        for path in run_ledgers(Path(options.ledger)):
            path.unlink()
            closed_mark(path).unlink(missing_ok=True)


@events.test_start.add_listener
def _start(environment: Any, **_: Any) -> None:
    global _recorded, _ledger
    options = environment.parsed_options
    if options and options.journeys:
        _recorded = Recorded(options.journeys)
    if options and options.ledger and not isinstance(environment.runner, MasterRunner) and _ledger is None:
        _ledger = transport.Ledger(ledger_path(Path(options.ledger), environment.runner), fresh=False)


@events.quitting.add_listener
def _verdict(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        if _ledger:  # this worker's users have stopped: nothing more will be acknowledged
            _ledger.close()
            closed_mark(_ledger.path).touch()
        return
    options = environment.parsed_options
    total = environment.stats.total
    sent = environment.stats.get("POST /events", "POST")
    p95 = sent.get_response_time_percentile(0.95) or 0.0
    checks = {f"{total.num_requests} requests sent": total.num_requests > 0,
              f"POST /events p95 {p95:.0f} ms <= {options.slo_p95_ms:g} ms": p95 <= options.slo_p95_ms,
              f"failed share {total.fail_ratio:.4f} <= {options.slo_error_ratio:g}":
                  total.fail_ratio <= options.slo_error_ratio}
    if options.ledger and options.reconcile == "yes":
        if isinstance(environment.runner, MasterRunner):  # workers finish their last visits after the master quits
            closed = _closed(Path(options.ledger), (environment.stop_timeout or 0) + 60)
            checks["every worker closed its ledger"] = closed
        checks.update(_reconciled(run_ledgers(Path(options.ledger))))
    for check, ok in checks.items():
        logging.info("SLO %s: %s", "met" if ok else "MISSED", check)
    environment.process_exit_code = 0 if all(checks.values()) else 1


def _closed(base: Path, most_s: float) -> bool:
    """Until every worker's ledger is closed (at most `most_s`, as long as Locust gives workers to stop)."""
    began = time.monotonic()
    while time.monotonic() - began < most_s:
        if all(closed_mark(p).exists() for p in worker_ledgers(base)):
            return True
        time.sleep(0.5)
    return False


def _reconciled(ledgers: list[Path]) -> dict[str, bool]:
    if not ledgers:
        return {"a ledger was written": False}
    done = subprocess.run([sys.executable, "-m", "liveinsight", "reconcile", "--ledger", *map(str, ledgers)],
                          capture_output=True, text=True, timeout=600)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        return {f"reconciled ({done.stderr.strip()[-300:]})": False}
    print(json.dumps({**result, "ledgers": [str(p) for p in ledgers]}), flush=True)
    # stored but never acknowledged (a worker stopped while its request was answered) is
    # reported, not failed: nothing the client was told it had sent is missing
    logging.info("%s stored but never acknowledged", result["unexpected"])
    return {f"{result['lost']} lost of {result['acknowledged']} acknowledged": result["lost"] == 0,
            f"{result['duplicated']} stored twice": result["duplicated"] == 0}


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
            name = "POST /events (retry)" if queue.resending else "POST /events"
            with self.client.post("/events", data=transport.body(queue.batch()), name=name,
                                  headers={"Content-Type": "text/plain", "User-Agent": agent},
                                  catch_response=True) as response:
                status = response.status_code or 0
                try:
                    answer = response.json() if 200 <= status < 300 else {}
                except ValueError:
                    answer = {}
                outcome = queue.answered(status, answer, time.monotonic())
                if outcome.given_up:
                    response.failure(f"{status}: {outcome.given_up} events given up")
                elif outcome.rejected:
                    response.failure(f"{status}: {outcome.rejected} events rejected")
                elif outcome.retried and status not in BACK_PRESSURE:
                    response.failure(f"{status}; sent again as the tracker does")
                else:
                    response.success()  # acknowledged, or back-pressure the tracker answers by waiting
            if _ledger:
                _ledger.write(outcome.acknowledged)
            if outcome.wait_s:
                time.sleep(outcome.wait_s)
            if not queue.final:
                return
