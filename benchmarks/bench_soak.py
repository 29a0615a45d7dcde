"""Soak benchmark: `up --traffic 600` with the retention windows shortened (template
parameters, and LIVEINSIGHT_RETENTION_SCALE for the emulator's CloudWatch and streams),
so steady state comes in minutes. Each process's resident memory over time, and its growth
per hour once every window has passed; the baseline is the same processes at the start.
Goal: no process grows by more than 50 MB an hour once steady.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

import psutil
import requests

from .harness import running_stack

TRAFFIC = 600.0  # new visitors a minute, as `up --traffic 600`
RETENTION = {"EventRetentionSeconds": "300", "MinuteCountersRetentionSeconds": "600",
             "DayCountersRetentionSeconds": "3600", "LogRetentionDays": "1"}
SCALE = 1 / 240  # the emulator's windows: an hour is 15 s, a day 6 minutes (logs, the last metric tier, streams)
# The crowd fills for about ten minutes (a visit lasts minutes), then the per-minute
# counters' 10 minutes pass: a 12-minute warm-up still measured that last rise. (Day counters
# must be kept an hour at least; they are few, and updated in place.)
WARM_S = float(os.environ.get("BENCH_SOAK_WARM_S", 20 * 60))
STEADY_S = float(os.environ.get("BENCH_SOAK_STEADY_S", 10 * 60))
SAMPLE_S = 15.0
GOAL_MB_H = 50.0


def processes(stack: Any) -> dict[str, psutil.Process]:
    """The stack's processes by part; a part's children (the Lambda workers) with it."""
    found = {part.name: psutil.Process(p.pid) for part, p in stack.children}
    if stack.traffic:
        found["simulator"] = psutil.Process(stack.traffic.pid)
    return found


def resident_mb(process: psutil.Process) -> float:
    total = 0
    for one in [process, *process.children(recursive=True)]:
        try:
            total += one.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def read_all(response: requests.Response) -> None:
    try:
        for _ in response.iter_lines():
            pass
    except requests.RequestException:
        return  # the stream ended: the watcher opens another


def watching(demo: dict[str, str], api: str, stop: threading.Event) -> None:
    """A live page through the demo's shared link and an API client, as a presenter's would be."""
    with requests.Session() as http:
        http.headers["Authorization"] = f"Token {demo['token']}"
        reader: threading.Thread | None = None
        while not stop.is_set():
            try:
                if reader is None or not reader.is_alive():
                    stream = requests.get(demo["shared"] + "stream", stream=True, timeout=30)
                    reader = threading.Thread(target=read_all, args=(stream,), daemon=True)
                    reader.start()
                http.get(api, params={"site": "demo"}, timeout=10)
            except requests.RequestException:
                pass  # asked again next second
            stop.wait(1.0)


def slope_mb_per_hour(samples: list[tuple[float, float]]) -> float:
    times, values = [t for t, _ in samples], [v for _, v in samples]
    return statistics.linear_regression(times, values).slope * 3600


def run() -> dict[str, Any]:
    samples: dict[str, list[tuple[float, float]]] = {}
    with running_stack(RETENTION, retention_scale=SCALE) as stack:
        named = processes(stack)
        start = {name: resident_mb(p) for name, p in named.items()}
        stack.start_traffic(TRAFFIC)
        named = processes(stack)
        stop = threading.Event()
        api = f"{stack.config.dashboard_url}/api/sessions/active"
        viewer = threading.Thread(target=watching, args=(stack.demo, api, stop), daemon=True)
        viewer.start()
        began = time.monotonic()
        while time.monotonic() - began < WARM_S + STEADY_S:
            at = time.monotonic() - began
            for name, process in named.items():
                samples.setdefault(name, []).append((at, resident_mb(process)))
            assert stack.failed() is None and stack.traffic.poll() is None, "a part of the stack stopped"
            time.sleep(SAMPLE_S)
        stop.set()
    figures: dict[str, Any] = {"traffic, new visitors a minute": TRAFFIC,
                               "warm-up (retention windows passing) s": WARM_S, "steady part measured s": STEADY_S}
    worst = 0.0
    for name, taken in samples.items():
        steady = [(t, mb) for t, mb in taken if t >= WARM_S]
        growth = slope_mb_per_hour(steady)
        worst = max(worst, growth)
        figures[f"{name}: resident MB at start (baseline)"] = start.get(name, taken[0][1])
        figures[f"{name}: resident MB once steady"] = steady[0][1]
        figures[f"{name}: resident MB at the end"] = taken[-1][1]
        figures[f"{name}: growth once steady, MB an hour"] = growth
        figures[f"{name}: over time (min: MB)"] = " ".join(f"{t / 60:.0f}:{mb:.0f}" for t, mb in taken[::8])
    figures[f"goal: every process grows <= {GOAL_MB_H:g} MB an hour once steady"] = (
        "met" if worst <= GOAL_MB_H else "MISSED")
    return figures
