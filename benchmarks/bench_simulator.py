"""Simulator benchmark: the most concurrent simulated visitors one core sustains with its
actual event rate within 5% of the target rate. Goal: at least 2,000.

The simulator runs on core 0 against a sink on core 1 that acknowledges every batch at once.
Each trial raises the arrival rate; the target is what the visitor model planned for the
measured window, the actual is what left the model in it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import Any

from embedded import ports
from simulator.runner import Run
from simulator.scenarios import SCENARIOS

RATES = [6_000, 24_000, 48_000, 96_000, 192_000]  # new visitors per minute; stops at the first miss
COMPRESSION = 4.0  # visits are a quarter as long, so the crowd builds within a trial
SECONDS, WINDOW = 50.0, (30.0, 50.0)


def trial(port: int, rate: float) -> dict[str, float]:
    run = Run(f"http://127.0.0.1:{port}", "demo", SCENARIOS["steady"], 3, rate, 0, COMPRESSION, keep=False)
    planned: list[float] = []
    happened: list[float] = []
    crowd: list[int] = []
    run.on_visit = lambda begun, offsets: planned.extend(begun + at / 1000 / COMPRESSION for at in offsets)
    run.on_event = happened.append

    async def measure() -> None:
        started = time.monotonic()
        task = asyncio.create_task(run.run())
        while time.monotonic() - started < SECONDS:
            await asyncio.sleep(1)
            if time.monotonic() - started >= WINDOW[0]:
                crowd.append(run.progress.active)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    t0 = time.monotonic()
    asyncio.run(measure())
    low, high = t0 + WINDOW[0], t0 + WINDOW[1]
    target = sum(1 for t in planned if low <= t < high) / (high - low)
    actual = sum(1 for t in happened if low <= t < high) / (high - low)
    return {"rate": rate, "visitors": sum(crowd) / len(crowd), "target": target, "actual": actual,
            "errors": run.progress.errors}


def run() -> dict[str, Any]:
    port = ports.free_port()
    sink = subprocess.Popen([sys.executable, "-m", "benchmarks.sink", str(port)])
    os.sched_setaffinity(sink.pid, {1 % os.cpu_count()})  # type: ignore[operator]
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    figures: dict[str, Any] = {}
    best = 0.0
    try:
        ports.wait_until(lambda: ports.listening("127.0.0.1", port), 30, "sink")
        for rate in RATES:
            result = trial(port, rate)
            ratio = result["actual"] / result["target"] if result["target"] else 0.0
            figures[f"{rate:,} visitors/min: concurrent visitors"] = result["visitors"]
            figures[f"{rate:,} visitors/min: events/s target / actual"] = \
                f"{result['target']:,.0f} / {result['actual']:,.0f} ({ratio:.3f})"
            if abs(ratio - 1) > 0.05 or result["errors"]:
                break
            best = max(best, result["visitors"])
    finally:
        os.sched_setaffinity(0, before)
        sink.terminate()
        sink.wait(timeout=10)
    figures["most concurrent visitors within 5% of target"] = best
    figures["goal: >= 2,000 concurrent visitors on one core"] = "met" if best >= 2000 else "MISSED"
    return figures
