"""The AWS/ApiGateway metrics of one request, per API and per stage."""

from __future__ import annotations

from typing import Any

STAGE = "$default"


def record(metric: Any, api_id: str, status: int, latency_ms: float, integration_ms: float | None) -> None:
    """`metric(namespace, name, dimensions, value, unit)` for Count, 4xx, 5xx, Latency and
    (when an integration ran) IntegrationLatency."""
    for dims in ((("ApiId", api_id),), (("ApiId", api_id), ("Stage", STAGE))):
        metric("AWS/ApiGateway", "Count", dims, 1, "Count")
        metric("AWS/ApiGateway", "4xx", dims, 1 if 400 <= status < 500 else 0, "Count")
        metric("AWS/ApiGateway", "5xx", dims, 1 if status >= 500 else 0, "Count")
        metric("AWS/ApiGateway", "Latency", dims, latency_ms, "Milliseconds")
        if integration_ms is not None:
            metric("AWS/ApiGateway", "IntegrationLatency", dims, integration_ms, "Milliseconds")
