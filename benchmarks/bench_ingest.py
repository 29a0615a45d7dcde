"""Ingest benchmark: our design against the original's three writes per event, in one run.

On the embedded stack, both through the same gateway and runtime, fed the same
batches of 10 events: events/s, p50/p95 latency, DynamoDB write requests per
event (counted at the emulator, the stream consumers' included), and handler CPU per
event over an in-memory DynamoDB model.
Goals: >= 5x the baseline's events/s, <= 0.6 writes/event, <= 150 us CPU/event,
p95 <= 250 ms.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid
from typing import Any

from embedded.settings import ROOT, TOKEN_HEADER, control_token
from liveinsight.stack import another_gateway

from . import loadgen
from .harness import embedded_stack

BATCH = 10
SECONDS = 20.0
CONNECTIONS = 8
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
KINDS = ["page_view", "heartbeat", "click", "heartbeat", "page_view", "heartbeat", "heartbeat", "click",
         "page_view", "conversion"]


VISITORS = 3000


def batch(visitor: int, now_ms: int) -> dict[str, Any]:
    events = []
    for i, kind in enumerate(KINDS[:BATCH]):
        e = {"event_id": str(uuid.uuid4()), "type": kind, "site_id": "demo",
             "visitor_id": f"visitor-{visitor:08d}", "session_id": f"session-{visitor:08d}",
             "ts": now_ms + i * 500, "url": f"http://127.0.0.1:8000/demo/p{i % 4}"}
        if kind == "click":
            e["target"] = {"tag": "a", "text": "Add to cart", "name": "add-to-cart"}
        elif kind == "heartbeat":
            e["engaged_ms"] = 15000
        elif kind == "conversion":
            e.update(goal="purchase", value=19.9, currency="EUR")
        events.append(e)
    return {"events": events}


def payloads(host: str, port: int, count: int) -> list[bytes]:
    now = int(time.time() * 1000)
    # visitors come back batch after batch, as a tracker flushes every few seconds
    return [loadgen.request_bytes("POST", host, port, "/events",
                                  json.dumps(batch(i % VISITORS, now + (i // VISITORS) * 5000)).encode(),
                                  {"Content-Type": "text/plain", "User-Agent": UA}) for i in range(count)]


def write_requests(settings: Any) -> int:
    request = urllib.request.Request(f"{settings.endpoint_url}/_liveinsight/requests",
                                     headers={TOKEN_HEADER: control_token(settings.state_dir)})
    with urllib.request.urlopen(request) as response:
        counts = json.loads(response.read())
    return sum(counts.get(op, 0) for op in
               ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"))


def measure(settings: Any, port: int) -> tuple[loadgen.Result, float]:
    requests = iter(payloads(settings.host, port, 40_000))
    loadgen.run(settings.host, port, requests, connections=CONNECTIONS, seconds=2.0)  # warm every worker
    writes_before = write_requests(settings)
    result = loadgen.run(settings.host, port, requests, connections=CONNECTIONS, seconds=SECONDS)
    writes = write_requests(settings) - writes_before
    return result, writes / max(1, result.requests * BATCH)


def handler_cpu_us_per_event(batches: int = 400) -> float:
    """CPU time of the real handler (resolver, validation, storing, metrics) over the in-memory
    DynamoDB model (dynamo.py)."""
    for name in ("EVENTS_TABLE", "SITES_TABLE"):
        os.environ.setdefault(name, name.lower())
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "LiveInsight")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "ingest")
    import contextlib
    import io

    from ingest import handler

    from .pipeline import Pipeline

    handler.store = Pipeline().store
    handler.limiter.rate = handler.limiter.burst = 1e12
    base = json.loads((ROOT / "tests" / "events" / "post_event.json").read_text())
    now = int(time.time() * 1000)
    events = []
    for v in range(batches):
        event = json.loads(json.dumps(base))
        event["body"] = json.dumps(batch(v, now))
        event["requestContext"]["timeEpoch"] = now
        events.append(event)

    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "ingest", 256, "bench"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ingest"

    with contextlib.redirect_stdout(io.StringIO()):
        started = time.process_time()
        for event in events:
            assert handler.lambda_handler(event, Context())["statusCode"] == 200
        spent = time.process_time() - started
    return spent / (batches * BATCH) * 1e6


def run() -> dict[str, Any]:
    with embedded_stack({"RateLimitPerSource": "1000000", "RateLimitBurst": "1000000"}) as config:
        settings = config.emulator
        with another_gateway(config, ROOT / "benchmarks" / "baseline" / "template.yaml", "baseline") as port:
            baseline, baseline_writes = measure(settings, port)
        ours, our_writes = measure(settings, settings.gateway_port)
    cpu = handler_cpu_us_per_event()
    events_per_s = ours.rate * BATCH
    baseline_events_per_s = baseline.rate * BATCH
    figures: dict[str, Any] = {
        "baseline events/s (3 writes per event)": baseline_events_per_s,
        "baseline p50 / p95 ms": f"{baseline.percentile(50):.1f} / {baseline.percentile(95):.1f}",
        "baseline write requests per event": baseline_writes,
        "baseline errors": baseline.errors,
        "our events/s": events_per_s,
        "our p50 ms": ours.percentile(50),
        "our p95 ms": ours.percentile(95),
        "our write requests per event": our_writes,
        "our errors": ours.errors,
        "speed-up over baseline": events_per_s / baseline_events_per_s,
        "handler CPU us per event (in-memory model)": cpu,
    }
    figures["goal: >= 5x baseline"] = "met" if figures["speed-up over baseline"] >= 5 else "MISSED"
    figures["goal: <= 0.6 writes/event"] = "met" if our_writes <= 0.6 else "MISSED"
    figures["goal: <= 150 us CPU/event"] = "met" if cpu <= 150 else "MISSED"
    figures["goal: p95 <= 250 ms"] = "met" if ours.percentile(95) <= 250 else "MISSED"
    figures["aim: 1,000 events/s"] = "met" if events_per_s >= 1000 else "not reached"
    return figures



