"""Dashboard benchmark: GET /api/sessions/active with 5,000 active sessions and 200,000
stored events, against the original design's Scan of ActiveSessions, and how fresh the
live page is: from an ingest 200 until the Server-Sent Event reaches a client.
Goals: active-sessions p95 <= 50 ms; freshness p95 <= 1 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import boto3
import requests

from embedded import deploy
from embedded.settings import ROOT
from embedded.supervisor import another_gateway, child_env

from . import loadgen
from .bench_ingest import UA
from .harness import embedded_stack

ACTIVE = 5_000
STORED = 200_000
CALLS = 200
PROBES = 30


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def fill_events(ddb: Any, table: str, count: int) -> None:
    """Stored events the dashboard must not read: written straight to the table."""
    now = int(time.time() * 1000)
    for start in range(0, count, 25):
        items = [{"PutRequest": {"Item": {
            "event_id": {"S": str(uuid.uuid4())}, "site_id": {"S": "demo"}, "visitor_id": {"S": f"old-{i}"},
            "type": {"S": "page_view"}, "ts": {"N": str(now - i * 1000)}, "received_at": {"N": str(now)},
            "bot": {"BOOL": False}, "expires_at": {"N": str(now // 1000 + 86400)},
            "data": {"S": json.dumps({"url": "http://127.0.0.1:8000/old", "path": "/old"})},
        }}} for i in range(start, min(start + 25, count))]
        ddb.batch_write_item(RequestItems={table: items})


def start_sessions(settings: Any, count: int) -> None:
    """Live sessions, made through the real ingest: one small batch per visitor."""
    now = int(time.time() * 1000)
    bodies = []
    for v in range(count):
        events = [{"event_id": str(uuid.uuid4()), "type": "page_view", "site_id": "demo",
                   "visitor_id": f"visitor-{v:06d}", "session_id": f"session-{v:06d}", "ts": now + i,
                   "url": f"http://127.0.0.1:8000/p{v % 50}"} for i in range(2)]
        bodies.append(loadgen.request_bytes("POST", settings.host, settings.gateway_port, "/events",
                                            json.dumps({"events": events}).encode(),
                                            {"Content-Type": "text/plain", "User-Agent": UA}))
    requests_left = iter(bodies)
    result = loadgen.run(settings.host, settings.gateway_port, requests_left, connections=8, seconds=600)
    assert result.errors == 0 and result.requests >= count, result.statuses


def original_scan(ddb: Any, table: str, expired: int) -> list[float]:
    """The original design: one ActiveSessions item per session, read with a Scan."""
    now = int(time.time())
    rows = [(f"s-{i}", now) for i in range(ACTIVE)] + [(f"gone-{i}", now - 3600) for i in range(expired)]
    for start in range(0, len(rows), 25):
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {
            "site_id": {"S": "demo"}, "session_id": {"S": sid}, "last_seen": {"N": str(seen)}}}}
            for sid, seen in rows[start:start + 25]]})
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        kwargs: dict[str, Any] = {"TableName": table, "FilterExpression": "last_seen >= :t",
                                  "ExpressionAttributeValues": {":t": {"N": str(now - 300)}}}
        found = 0
        while True:
            page = ddb.scan(**kwargs)
            found += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        timings.append((time.perf_counter() - started) * 1000)
        assert found == ACTIVE
    return timings


def demo_token(settings: Any) -> dict[str, str]:
    out = subprocess.run([sys.executable, str(ROOT / "django_app" / "manage.py"), "liveinsight_user", "demo",
                          "--password", "liveinsight", "--site", "demo"],
                         env=child_env(settings), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def freshness(settings: Any, user: dict[str, str]) -> list[float]:
    """Seconds from an ingest 200 until the live stream shows that page."""
    dashboard = f"http://{settings.host}:{settings.django_port}"
    session = requests.Session()
    login = session.get(f"{dashboard}/accounts/login/", timeout=10)
    session.post(f"{dashboard}/accounts/login/", timeout=10, data={
        "username": user["username"], "password": user["password"],
        "csrfmiddlewaretoken": login.cookies["csrftoken"]}, headers={"Referer": login.url})
    stream = session.get(f"{dashboard}/sites/demo/stream", stream=True, timeout=30)
    seen: dict[str, float] = {}

    def read() -> None:
        try:
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    text, at = line[6:], time.perf_counter()
                    for path in [p for p in list(pending) if p in text]:
                        seen.setdefault(path, at)
        except (AttributeError, requests.RequestException):
            return  # the stream was closed under us: the measurement is over

    pending: dict[str, float] = {}
    threading.Thread(target=read, daemon=True).start()
    delays = []
    for i in range(PROBES):
        path = f"/fresh-{uuid.uuid4().hex[:10]}"
        body = {"event_id": str(uuid.uuid4()), "type": "page_view", "site_id": "demo",
                "visitor_id": f"probe-{i:04d}", "session_id": f"probe-{i:04d}", "ts": int(time.time() * 1000),
                "url": f"http://127.0.0.1:8000{path}"}
        response = requests.post(f"http://{settings.host}:{settings.gateway_port}/events", data=json.dumps(body),
                                 headers={"User-Agent": UA}, timeout=10)
        acknowledged = time.perf_counter()
        assert response.status_code == 200
        pending[path] = acknowledged
        deadline = acknowledged + 10
        while path not in seen and time.perf_counter() < deadline:
            time.sleep(0.005)
        delays.append(seen.get(path, deadline) - acknowledged)
    stream.close()
    return delays


def run() -> dict[str, Any]:
    parameters = {"RateLimitPerSource": "1000000", "RateLimitBurst": "1000000"}
    with embedded_stack(parameters) as settings:
        ddb = boto3.client("dynamodb", endpoint_url=settings.endpoint_url, region_name=settings.region)
        outputs = deploy.outputs(settings, "liveinsight")
        fill_events(ddb, outputs["EventsTableName"], STORED)
        start_sessions(settings, ACTIVE)
        user = demo_token(settings)
        url = f"http://{settings.host}:{settings.django_port}/api/sessions/active"
        headers = {"Authorization": f"Token {user['token']}"}
        with requests.Session() as http:
            count = http.get(url, params={"site": "demo"}, headers=headers, timeout=30).json()["count"]
            ours, uncached = [], []
            for i in range(CALLS):
                if i % 10 == 0:
                    time.sleep(0.6)  # past the API's 500 ms sharing window: this call reads the tables
                started = time.perf_counter()
                assert http.get(url, params={"site": "demo"}, headers=headers, timeout=30).status_code == 200
                (uncached if i % 10 == 0 else ours).append((time.perf_counter() - started) * 1000)
            ours += uncached
        fresh = freshness(settings, user)
        with another_gateway(settings, ROOT / "benchmarks" / "baseline" / "template.yaml", "baseline"):
            baseline_table = json.loads(settings.stack_file("baseline").read_text())["resources"]
            table = baseline_table["ActiveSessionsTable"]["PhysicalResourceId"]
            scan = original_scan(ddb, table, expired=ACTIVE * 4)
    figures: dict[str, Any] = {
        "active sessions seen by the API": count,
        "stored events": STORED + ACTIVE * 2,
        "GET /api/sessions/active p50 ms": pct(ours, 50),
        "GET /api/sessions/active p95 ms": pct(ours, 95),
        "  of which calls that read the tables: p50 ms": pct(uncached, 50),
        "  of which calls that read the tables: p95 ms": pct(uncached, 95),
        "original Scan of ActiveSessions p50 ms": pct(scan, 50),
        "original Scan of ActiveSessions p95 ms": pct(scan, 95),
        "freshness ingest 200 -> SSE p50 s": pct(fresh, 50),
        "freshness ingest 200 -> SSE p95 s": pct(fresh, 95),
    }
    active_p95, fresh_p95 = pct(ours, 95), pct(fresh, 95)
    figures["goal: active sessions p95 <= 50 ms"] = "met" if active_p95 <= 50 else "MISSED"
    figures["goal: freshness p95 <= 1 s"] = "met" if fresh_p95 <= 1 else "MISSED"
    return figures
