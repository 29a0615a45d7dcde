"""Metrics the emulator publishes on its own behalf (AWS/DynamoDB), summed in memory and
written to moto's CloudWatch every few seconds, as AWS publishes them a minute at a time."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

FLUSH_S = 5.0
_sums: dict[tuple[str, str, str, str, tuple[tuple[str, str], ...], str], float] = defaultdict(float)
_lock = threading.Lock()


def add(account: str, region: str, namespace: str, name: str, dimensions: dict[str, str], value: float,
        unit: str = "Count") -> None:
    key = (account, region, namespace, name, tuple(sorted(dimensions.items())), unit)
    with _lock:
        _sums[key] += value


def flush() -> None:
    with _lock:
        taken = dict(_sums)
        _sums.clear()
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for (account, region, namespace, name, dimensions, unit), value in taken.items():
        grouped[(account, region, namespace)].append({
            "MetricName": name, "Value": value, "Unit": unit,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions]})
    for (account, region, namespace), data in grouped.items():
        for start in range(0, len(data), 1000):
            cloudwatch_backends[account][region].put_metric_data(namespace, data[start:start + 1000])
