"""Viewers benchmark: 1,000 live streams of one shared link on one dashboard process. How
soon after an ingest 200 each stream shows it, and GET /api/sessions/active meanwhile;
the baseline is the same probes with one stream open, measured in the same run.
Goals with 1,000 streams: push p95 <= 1 s; API p95 <= 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from typing import Any

import requests

from embedded.settings import ROOT
from liveinsight.config import child_env

from .bench_dashboard import demo_token, pct
from .bench_ingest import UA
from .harness import embedded_stack

VIEWERS = int(os.environ.get("BENCH_VIEWERS", "1000"))
PROBES = 20
PROBE_GAP_S = 1.5
ACTIVE = re.compile(rb'"active_sessions":(\d+)')


class Stream:
    """One viewer's Server-Sent Events stream, read raw: when each active count first showed."""

    def __init__(self) -> None:
        self.first_seen: dict[int, float] = {}
        self.opened = asyncio.Event()
        self.status = b""

    async def run(self, host: str, port: int, path: str, until: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        tail = b""
        try:
            while not until.is_set():
                chunk = await reader.read(65536)
                if not chunk:
                    return
                tail += chunk
                self.status = self.status or chunk.split(b"\r\n", 1)[0]
                at = time.perf_counter()
                for found in ACTIVE.finditer(tail):
                    self.first_seen.setdefault(int(found[1]), at)
                    self.opened.set()
                tail = tail[-64:]
        finally:
            writer.close()

    def shown(self, count: int) -> float | None:
        """When a count of at least `count` first showed."""
        times = [at for seen, at in self.first_seen.items() if seen >= count]
        return min(times) if times else None


def api_calls(url: str, token: str, stop: Any, answer: Any) -> None:
    """A client polling who is active ten times a second, in a process of its own (as it
    would be): the streams' reader does not slow its timings."""
    times = []
    with requests.Session() as http:
        http.headers["Authorization"] = f"Token {token}"
        while not stop.is_set():
            started = time.perf_counter()
            http.get(url, params={"site": "demo"}, timeout=30).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
            stop.wait(0.1)
    answer.put(times)


def probe(config: Any, run: str, i: int) -> float:
    """A new visitor's first page; when its ingest 200 came."""
    settings = config.emulator
    body = {"event_id": str(uuid.uuid4()), "type": "page_view", "site_id": "demo",
            "visitor_id": f"{run}-visitor-{i:04d}", "session_id": f"{run}-session-{i:04d}",
            "ts": int(time.time() * 1000), "url": f"http://127.0.0.1:8000/{run}/{i}"}
    answer = requests.post(f"http://{settings.host}:{settings.gateway_port}/events", data=json.dumps(body),
                           headers={"User-Agent": UA}, timeout=10)
    assert answer.status_code == 200 and not answer.json().get("rejected"), answer.text
    return time.perf_counter()


async def watch(config: Any, path: str, viewers: int, token: str, run: str) -> dict[str, Any]:
    settings = config.emulator
    until = asyncio.Event()
    streams = [Stream() for _ in range(viewers)]
    opening = time.perf_counter()
    tasks = []
    for stream in streams:
        tasks.append(asyncio.create_task(stream.run(settings.host, config.django_port, path, until)))
        await asyncio.sleep(0.002)  # a room joining, not one burst
    try:
        await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in streams)), 120)
    except TimeoutError:
        statuses = Counter(s.status.decode() for s in streams if not s.opened.is_set())
        raise AssertionError(f"{sum(statuses.values())} streams never showed a count: {statuses}") from None
    opened_s = time.perf_counter() - opening
    base = max(max(s.first_seen) for s in streams)
    processes = multiprocessing.get_context("spawn")
    stop, answer = processes.Event(), processes.Queue()
    poller = processes.Process(target=api_calls, args=(f"{config.dashboard_url}/api/sessions/active", token, stop,
                                                       answer))
    poller.start()
    delays = []
    for i in range(PROBES):
        acked = await asyncio.to_thread(probe, config, run, i)
        await asyncio.sleep(PROBE_GAP_S)
        for stream in streams:
            shown = stream.shown(base + i + 1)
            delays.append(max(0.0, shown - acked) if shown else PROBE_GAP_S + 10)
    stop.set()
    api_times = answer.get(timeout=60)
    poller.join()
    until.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"opened_s": opened_s, "push": delays, "api": api_times}


def share(config: Any) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "django_app" / "manage.py"), "liveinsight_share", "create",
                          "demo", "--label", "viewers"], env=child_env(config), check=True, capture_output=True,
                         text=True).stdout
    return str(json.loads(out)["token"])


def run() -> dict[str, Any]:
    parameters = {"RateLimitPerSource": "1000000", "RateLimitBurst": "1000000"}
    with embedded_stack(parameters) as config:
        user = demo_token(config)
        path = f"/share/{share(config)}/stream"
        one = asyncio.run(watch(config, path, 1, user["token"], "one"))
        many = asyncio.run(watch(config, path, VIEWERS, user["token"], "many"))
    push_p95, api_p95 = pct(many["push"], 95), pct(many["api"], 95)
    return {
        "baseline, 1 viewer: push p50 s": pct(one["push"], 50),
        "baseline, 1 viewer: push p95 s": pct(one["push"], 95),
        "baseline, 1 viewer: GET /api/sessions/active p95 ms": pct(one["api"], 95),
        "viewers (streams of one shared link)": VIEWERS,
        "  all streams open and showing, s": many["opened_s"],
        "  push p50 s (ingest 200 -> every stream shows it)": pct(many["push"], 50),
        "  push p95 s": push_p95,
        "  push max s": max(many["push"]),
        "  GET /api/sessions/active p50 ms": pct(many["api"], 50),
        "  GET /api/sessions/active p95 ms": api_p95,
        "  API calls timed": len(many["api"]),
        "goal: push p95 <= 1 s with 1,000 viewers": "met" if push_p95 <= 1 else "MISSED",
        "goal: API p95 <= 50 ms with 1,000 viewers": "met" if api_p95 <= 50 else "MISSED",
    }
