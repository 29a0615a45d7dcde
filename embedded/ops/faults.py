"""Faults injected on purpose (`liveinsight chaos`): each for a time or until cleared.

A fault is a dict: {"id", "target": "dynamodb" | "lambda" | "outage", "until": epoch s or
None, ...}. DynamoDB faults may name a table and an operation and carry "throttle" (a
fraction of requests refused with ProvisionedThroughputExceededException), "latency_ms",
and "error" (a fraction answered 500 InternalServerError). Lambda faults carry "errors" or
"timeouts" (fractions of invocations). An outage drops every connection to the emulator.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import Any

_faults: dict[int, dict[str, Any]] = {}
_ids = itertools.count(1)
_lock = threading.Lock()
KINDS = {"dynamodb": {"table", "operation", "throttle", "latency_ms", "error"},
         "lambda": {"function", "errors", "timeouts"}, "outage": set()}


class Invalid(ValueError):
    pass


def add(spec: dict[str, Any]) -> dict[str, Any]:
    target = spec.get("target")
    if target not in KINDS:
        raise Invalid(f"target must be one of {sorted(KINDS)}")
    unknown = set(spec) - KINDS[target] - {"target", "seconds"}
    if unknown:
        raise Invalid(f"{target} faults do not take {sorted(unknown)}")
    for name in ("throttle", "error", "errors", "timeouts"):
        if name in spec and not 0 <= float(spec[name]) <= 1:
            raise Invalid(f"{name} is a fraction from 0 to 1")
    seconds = spec.get("seconds")
    fault = {k: v for k, v in spec.items() if k != "seconds"}
    fault["until"] = time.time() + float(seconds) if seconds else None
    with _lock:
        fault["id"] = next(_ids)
        _faults[fault["id"]] = fault
    return fault


def clear(fault_id: int | None = None) -> int:
    with _lock:
        gone = [fault_id] if fault_id in _faults else (list(_faults) if fault_id is None else [])
        for key in gone:
            del _faults[key]
        return len(gone)


def active() -> list[dict[str, Any]]:
    if not _faults:  # asked on every emulator request: nothing to copy in the usual case
        return []
    now = time.time()
    with _lock:
        for key in [k for k, f in _faults.items() if f["until"] is not None and f["until"] <= now]:
            del _faults[key]
        return [dict(f) for f in _faults.values()]


def outage() -> bool:
    return any(f["target"] == "outage" for f in active())


def dynamodb(table: str | None, operation: str) -> dict[str, Any]:
    """What to do to one DynamoDB request: {"latency_ms": n, "fail": "throttle" | "error" | None}."""
    outcome: dict[str, Any] = {"latency_ms": 0, "fail": None}
    for fault in active():
        if fault["target"] != "dynamodb" or fault.get("operation") not in (None, operation):
            continue
        if fault.get("table") not in (None, table):
            continue
        outcome["latency_ms"] += int(fault.get("latency_ms", 0))
        if outcome["fail"] is None and random.random() < float(fault.get("throttle", 0)):
            outcome["fail"] = "throttle"
        elif outcome["fail"] is None and random.random() < float(fault.get("error", 0)):
            outcome["fail"] = "error"
    return outcome
