"""What the emulator keeps of CloudWatch, bounded as AWS bounds it, so a day-long run holds
steady. Metric datapoints (statistic sets per second, telemetry.py) are folded into coarser
sets as they age, as CloudWatch keeps them: per minute past an hour, per hour past a day,
and dropped past 15 days. Log events go at their group's retention (never: 30 days), and
a log stream keeps at most STREAM_EVENTS (the oldest go first, as a rotated log's would).

`scale` multiplies every age, so a soak test reaches steady state in minutes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import gevent
from moto.cloudwatch.models import MetricAggregatedDatum, MetricDatum, cloudwatch_backends
from moto.logs.models import logs_backends

SWEEP_S = 30.0
TIERS = ((3600, 60), (86400, 3600))  # past this age (s), datapoints are folded into sets this long (s)
KEEP_S = 15 * 86400
NO_RETENTION_DAYS = 30  # how long a log group without a retention keeps events here
STREAM_EVENTS = 20_000
CHUNK = 5000  # datapoints looked at between yields, so requests are served during a sweep


def sweep(now: float | None = None, scale: float = 1.0) -> dict[str, int]:
    """Fold and drop old datapoints, and expire and rotate log events; answers how many went."""
    now = time.time() if now is None else now
    gone = {"datapoints": 0, "log events": 0}
    for regions in list(cloudwatch_backends.values()):
        for backend in list(regions.values()):
            gone["datapoints"] += _metrics(backend, now, scale)
    for log_regions in list(logs_backends.values()):
        for logs in list(log_regions.values()):
            for group in list(logs.groups.values()):
                gone["log events"] += _logs(group, now, scale)
    return gone


def _metrics(backend: Any, now: float, scale: float) -> int:
    data = backend.metric_data
    seen = list(data)
    kept: list[Any] = []
    folding: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    oldest = now - KEEP_S * scale
    for i, datum in enumerate(seen):
        if i % CHUNK == CHUNK - 1:
            gevent.sleep(0)
        at = _epoch(datum.timestamp)
        if at < oldest:
            continue
        width = _width(now - at, scale)
        if width is None or getattr(datum, "width", 0) >= width:  # fresh, or folded this far already
            kept.append(datum)
            continue
        dimensions = tuple((d.name, d.value) for d in datum.dimensions)
        folding[(datum.namespace, datum.name, dimensions, datum.unit, width, int(at // width * width))].append(datum)
    folded = [_fold(key, parts) for key, parts in folding.items()]
    # oldest first, as moto appends them (alarms.py reads from the end until it passes its window);
    # what arrived during the sweep stays, after them
    backend.metric_data = sorted(kept + folded, key=lambda d: _epoch(d.timestamp)) + data[len(seen):]
    backend.paged_metric_data.clear()  # pages of an old listing
    return len(seen) - len(kept) - len(folded)


def _epoch(at: datetime) -> float:
    """moto keeps some timestamps naive (UTC), some aware."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _width(age: float, scale: float) -> int | None:
    width = None
    for past, seconds in TIERS:
        if age >= past * scale:
            width = seconds
    return width


def _fold(key: tuple[Any, ...], parts: list[Any]) -> MetricAggregatedDatum:
    namespace, name, dimensions, unit, width, start = key
    count = total = 0.0
    low, high = float("inf"), float("-inf")
    for datum in parts:
        if isinstance(datum, MetricDatum):
            count, total = count + 1, total + datum.value
            low, high = min(low, datum.value), max(high, datum.value)
        else:
            count, total = count + datum.sample_count, total + datum.sum
            low, high = min(low, datum.min), max(high, datum.max)
    at = datetime.fromtimestamp(start, UTC)
    folded = MetricAggregatedDatum(namespace, name, low, high, count, total,
                                   [{"Name": n, "Value": v} for n, v in dimensions],
                                   at if parts[0].timestamp.tzinfo else at.replace(tzinfo=None), unit)
    folded.width = width  # type: ignore[attr-defined]
    return folded


def _logs(group: Any, now: float, scale: float) -> int:
    days = group.retention_in_days or NO_RETENTION_DAYS
    oldest_ms = (now - days * 86400 * scale) * 1000
    gone = 0
    for stream in list(group.streams.values()):
        events = stream.events
        keep = [e for e in events[-STREAM_EVENTS:] if e.timestamp >= oldest_ms]
        if len(keep) != len(events):
            gone += len(events) - len(keep)
            stream.events = keep
        gevent.sleep(0)
    return gone
