"""The ingest's health, as plain data, from CloudWatch: the seed's metric set per minute,
DynamoDB's capacity and throttling, the stack's alarms and their history; on the embedded
emulator also the notifications its sink received, the faults injected, and the hottest
partition keys with each table's largest item."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request
from functools import cache
from typing import Any

import boto3
import stack
from django.conf import settings

# key -> (namespace, metric, statistic); LiveInsight metrics carry service=ingest
METRICS = {
    "events_processed": ("LiveInsight", "EventsProcessed", "Sum"),
    "processing_time_ms": ("LiveInsight", "ProcessingTime", "Average"),
    "processing_errors": ("LiveInsight", "ProcessingErrors", "Sum"),
    "invocations": ("AWS/Lambda", "Invocations", "Sum"),
    "errors": ("AWS/Lambda", "Errors", "Sum"),
    "duration_ms": ("AWS/Lambda", "Duration", "Average"),
    "throttles": ("AWS/Lambda", "Throttles", "Sum"),
}
# key -> AWS/DynamoDB metric, summed over the stack's tables
TABLE_METRICS = {
    "dynamodb_read_units": "ConsumedReadCapacityUnits",
    "dynamodb_write_units": "ConsumedWriteCapacityUnits",
    "dynamodb_read_throttles": "ReadThrottleEvents",
    "dynamodb_write_throttles": "WriteThrottleEvents",
}


@cache
def cloudwatch() -> Any:
    return boto3.client("cloudwatch")


def metrics(now: dt.datetime, minutes: int) -> dict[str, Any]:
    end = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    start = end - dt.timedelta(minutes=minutes)
    function = stack.outputs()["IngestFunctionName"]
    queries = []
    for key, (namespace, name, statistic) in METRICS.items():
        dimensions = [{"Name": "FunctionName", "Value": function}] if namespace == "AWS/Lambda" \
            else [{"Name": "service", "Value": "ingest"}]
        queries.append({"Id": key, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": dimensions},
            "Period": 60, "Stat": statistic}})
    tables = [v for k, v in stack.outputs().items() if k.endswith("TableName")]
    for key, name in TABLE_METRICS.items():
        for i, table in enumerate(tables):
            queries.append({"Id": f"{key}_{i}", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "AWS/DynamoDB", "MetricName": name,
                           "Dimensions": [{"Name": "TableName", "Value": table}]}, "Period": 60, "Stat": "Sum"}})
    minutes_list = [int((start + dt.timedelta(minutes=i)).timestamp()) for i in range(minutes)]
    series: dict[str, list[float]] = {key: [0.0] * minutes for key in [*METRICS, *TABLE_METRICS]}
    for begin in range(0, len(queries), 500):
        answer = cloudwatch().get_metric_data(MetricDataQueries=queries[begin:begin + 500], StartTime=start,
                                              EndTime=end)
        for result in answer["MetricDataResults"]:
            points = zip(result["Timestamps"], result["Values"], strict=True)
            found = {int(t.timestamp()) // 60 * 60: v for t, v in points}
            key = result["Id"] if result["Id"] in METRICS else result["Id"].rsplit("_", 1)[0]
            series[key] = [round(a + found.get(m, 0.0), 2) for a, m in zip(series[key], minutes_list, strict=True)]
    return {"minutes": minutes_list, "series": series}


def alarms() -> list[dict[str, Any]]:
    """The alarms that notify the stack's topic."""
    topic = stack.outputs()["AlarmTopicArn"]
    found = []
    for page in cloudwatch().get_paginator("describe_alarms").paginate():
        found += [{"name": a["AlarmName"], "state": a["StateValue"], "reason": a.get("StateReason", ""),
                   "metric": a.get("MetricName", ""), "updated": a["StateUpdatedTimestamp"].isoformat()}
                  for a in page["MetricAlarms"] if topic in a.get("AlarmActions", [])]
    return sorted(found, key=lambda a: a["name"])


def _emulator(path: str) -> Any:
    """One of the embedded emulator's own endpoints, or None when not on the emulator. They
    answer only with the stack's control token, which the embedded stack keeps in its state
    directory."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    token_file = settings.LIVEINSIGHT_STATE_DIR / "control.token"
    if not endpoint or not token_file.exists():
        return None
    request = urllib.request.Request(f"{endpoint}/_liveinsight/{path}",
                                     headers={"X-LiveInsight-Token": token_file.read_text().strip()})
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:
            return json.loads(answer.read())
    except (OSError, ValueError):
        return None


def events() -> dict[str, Any]:
    """Alarm history (newest first), SNS notifications received, and faults injected."""
    history = _emulator("alarm-history")
    if history is None:
        items = cloudwatch().describe_alarm_history(HistoryItemType="StateUpdate", MaxRecords=50)
        history = [{"alarm": i["AlarmName"], "at": i["Timestamp"].isoformat(), "reason": i["HistorySummary"]}
                   for i in items["AlarmHistoryItems"]]
    notifications = [{"at": n.get("Timestamp", ""), "type": n.get("Type", ""), "subject": n.get("Subject", ""),
                      "topic": n.get("TopicArn", "")} for n in (_emulator("sink") or [])]
    partitions = _emulator("partitions") or {}
    return {"alarm_history": list(reversed(history))[:50], "notifications": list(reversed(notifications))[:50],
            "faults": _emulator("faults") or [], "hot_keys": partitions.get("hot", []),
            "largest_items": partitions.get("largest", {})}
