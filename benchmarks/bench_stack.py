"""Stack benchmark: moto's raw write rates, and what the gateway + runtime cost.

Goals on a 2-core machine: at least 1,500 trivial invocations/s through the
gateway and runtime, and at most 3 ms of p50 latency added over calling the
handler in-process (the baseline, measured in the same run).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import statistics
import threading
import time
import uuid

from embedded.aws import client
from embedded.settings import ROOT
from liveinsight.stack import another_gateway

from . import loadgen
from .harness import embedded_stack

PROBE = ROOT / "tests" / "fixtures" / "probe"
SECONDS = 5.0


def _table(ddb) -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


def _threads(count: int, work) -> float:  # type: ignore[no-untyped-def]
    done = [0] * count
    stop = time.perf_counter() + SECONDS / 2

    def loop(i: int) -> None:
        while time.perf_counter() < stop:
            done[i] += work(i)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def moto_rates(settings) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ddb = client("dynamodb", settings.aws)
    table = _table(ddb)
    counter = itertools.count()

    def put(_: int) -> int:
        ddb.put_item(TableName=table, Item={"pk": {"S": str(next(counter))}, "v": {"N": "1"}})
        return 1

    def batch(_: int) -> int:
        items = [{"PutRequest": {"Item": {"pk": {"S": str(next(counter))}, "v": {"N": "1"}}}} for _ in range(25)]
        ddb.batch_write_item(RequestItems={table: items})
        return 25

    return {"put_item_per_s": _threads(4, put), "batch_items_per_s": _threads(4, batch)}


def in_process_latency(path: str, samples: int) -> list[float]:
    spec = importlib.util.spec_from_file_location("probe", PROBE / "src" / "probe.py")
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)

    class Context:
        aws_request_id = "x"

    event = {"rawPath": path, "body": ""}
    latencies = []
    for _ in range(samples):
        started = time.perf_counter()
        json.dumps(probe.handler(event, Context()))
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def run() -> dict[str, float]:
    with embedded_stack() as config, another_gateway(config, PROBE / "template.yaml", "probe") as port:
        settings = config.emulator
        rates = moto_rates(settings)
        trivial = loadgen.request_bytes("GET", settings.host, port, "/trivial")
        payloads = itertools.repeat(trivial)
        loadgen.run(settings.host, port, payloads, connections=8, seconds=1.0)  # warm both workers
        throughput = loadgen.run(settings.host, port, payloads, connections=16, seconds=SECONDS)
        sequential = loadgen.run(settings.host, port, payloads, connections=1, seconds=SECONDS / 2)
    baseline = in_process_latency("/trivial", 2000)
    figures = {
        "moto PutItem/s (4 threads)": rates["put_item_per_s"],
        "moto BatchWriteItem items/s (4 threads)": rates["batch_items_per_s"],
        "trivial invocations/s via gateway+runtime": throughput.rate,
        "errors during throughput run": throughput.errors,
        "in-process handler p50 ms (baseline)": pct(baseline, 50),
        "in-process handler p95 ms (baseline)": pct(baseline, 95),
        "gateway+runtime p50 ms": sequential.percentile(50),
        "gateway+runtime p95 ms": sequential.percentile(95),
        "added p50 ms": sequential.percentile(50) - pct(baseline, 50),
        "added p95 ms": sequential.percentile(95) - pct(baseline, 95),
    }
    figures["goal: >= 1500 invocations/s"] = "met" if throughput.rate >= 1500 else "MISSED"
    figures["goal: <= 3 ms added p50"] = "met" if figures["added p50 ms"] <= 3 else "MISSED"
    return figures
