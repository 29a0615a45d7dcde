"""Ship function logs to CloudWatch Logs and metrics to CloudWatch, in batches.

Lambda and API Gateway publish these asynchronously; so does this: callers
only append to in-memory buffers, and a background thread flushes them.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

import orjson

from . import loops
from .aws import Target, client

Dimensions = tuple[tuple[str, str], ...]
_MAX_LOG_BATCH = 5000
_MAX_METRIC_BATCH = 500
_MAX_VALUES = 150  # distinct values per datum that PutMetricData takes


class Telemetry:
    def __init__(self, target: Target, interval: float = 0.5) -> None:
        self.target = target
        self.interval = interval
        self._lock = threading.Lock()
        self._logs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self._streams: set[tuple[str, str]] = set()
        # (namespace, name, dimensions, unit, second) -> aggregate
        self._stats: dict[tuple[str, str, Dimensions, str, int], list[float]] = {}
        self._values: dict[tuple[str, str, Dimensions, str, int], dict[float, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="telemetry", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.flush()

    def log(self, group: str, stream: str, line: str) -> None:
        now = int(time.time() * 1000)
        with self._lock:
            self._logs[(group, stream)].append({"timestamp": now, "message": line})
        if line.startswith("{") and '"_aws"' in line:
            self.emf(line)

    def metric(self, namespace: str, name: str, dims: Dimensions, value: float, unit: str = "None") -> None:
        """A service metric, published as a statistic set per second."""
        key = (namespace, name, dims, unit, int(time.time()))
        with self._lock:
            stat = self._stats.get(key)
            if stat is None:
                self._stats[key] = [1.0, value, value, value]
            else:
                stat[0] += 1
                stat[1] += value
                stat[2] = min(stat[2], value)
                stat[3] = max(stat[3], value)

    def emf(self, line: str) -> None:
        """Turn a CloudWatch Embedded Metric Format line into metric values."""
        try:
            doc = orjson.loads(line)
            meta = doc["_aws"]
            second = int(meta.get("Timestamp", time.time() * 1000) // 1000)
            for directive in meta["CloudWatchMetrics"]:
                for dim_names in directive.get("Dimensions", [[]]):
                    dims = tuple((d, str(doc[d])) for d in dim_names)
                    for metric in directive["Metrics"]:
                        values = doc[metric["Name"]]
                        for value in values if isinstance(values, list) else [values]:
                            key = (directive["Namespace"], metric["Name"], dims,
                                   metric.get("Unit", "None"), second)
                            with self._lock:
                                counts = self._values.setdefault(key, {})
                                counts[float(value)] = counts.get(float(value), 0) + 1
        except (ValueError, KeyError, TypeError):
            return  # not EMF after all: it stays a plain log line

    def _run(self) -> None:
        loops.every(self.interval, self.flush, "sending logs and metrics to the emulator", wait=self._stop.wait)

    def flush(self) -> None:
        with self._lock:
            logs, self._logs = self._logs, defaultdict(list)
            stats, self._stats = self._stats, {}
            values, self._values = self._values, {}
        self._flush_logs(logs)
        self._flush_metrics(stats, values)

    def _flush_logs(self, logs: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
        cw_logs = client("logs", self.target)
        for (group, stream), events in logs.items():
            if (group, stream) not in self._streams:
                try:
                    cw_logs.create_log_group(logGroupName=group)
                except cw_logs.exceptions.ResourceAlreadyExistsException:
                    pass
                try:
                    cw_logs.create_log_stream(logGroupName=group, logStreamName=stream)
                except cw_logs.exceptions.ResourceAlreadyExistsException:
                    pass
                self._streams.add((group, stream))
            for start in range(0, len(events), _MAX_LOG_BATCH):
                cw_logs.put_log_events(logGroupName=group, logStreamName=stream,
                                       logEvents=events[start:start + _MAX_LOG_BATCH])

    def _flush_metrics(self, stats: dict[Any, list[float]], values: dict[Any, dict[float, int]]) -> None:
        by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (ns, name, dims, unit, second), (count, total, low, high) in stats.items():
            by_namespace[ns].append({
                **_datum(name, dims, unit, second),
                "StatisticValues": {"SampleCount": count, "Sum": total, "Minimum": low, "Maximum": high},
            })
        for (ns, name, dims, unit, second), counts in values.items():
            items = list(counts.items())
            for start in range(0, len(items), _MAX_VALUES):
                chunk = items[start:start + _MAX_VALUES]
                by_namespace[ns].append({
                    **_datum(name, dims, unit, second),
                    "Values": [v for v, _ in chunk],
                    "Counts": [float(c) for _, c in chunk],
                })
        cloudwatch = client("cloudwatch", self.target)
        for ns, data in by_namespace.items():
            for start in range(0, len(data), _MAX_METRIC_BATCH):
                cloudwatch.put_metric_data(Namespace=ns, MetricData=data[start:start + _MAX_METRIC_BATCH])


def _datum(name: str, dims: Dimensions, unit: str, second: int) -> dict[str, Any]:
    return {
        "MetricName": name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims],
        "Unit": unit,
        "Timestamp": second,
    }
