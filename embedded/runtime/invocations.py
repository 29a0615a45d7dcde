"""What every invocation records, as Lambda does: AWS/Lambda Invocations, Errors, Duration,
Throttles and ConcurrentExecutions."""

from __future__ import annotations

from typing import Any

from .pool import Function, Outcome


def record(telemetry: Any, function: Function, outcome: Outcome) -> None:
    dims = (("FunctionName", function.config.name),)
    metric = telemetry.metric
    if outcome.status == "throttled":
        metric("AWS/Lambda", "Throttles", dims, 1, "Count")
        return
    metric("AWS/Lambda", "Invocations", dims, 1, "Count")
    metric("AWS/Lambda", "Errors", dims, 0 if outcome.status == "ok" else 1, "Count")
    metric("AWS/Lambda", "Duration", dims, outcome.duration_ms, "Milliseconds")
    metric("AWS/Lambda", "ConcurrentExecutions", dims, function.running + 1, "Count")
