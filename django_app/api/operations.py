"""The ingest's health, as plain data, from CloudWatch: the seed's metric set per minute
and the stack's alarms."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import boto3
import stack

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
    answer = cloudwatch().get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end)
    minutes_list = [int((start + dt.timedelta(minutes=i)).timestamp()) for i in range(minutes)]
    series = {}
    for result in answer["MetricDataResults"]:
        points = zip(result["Timestamps"], result["Values"], strict=True)
        found = {int(t.timestamp()) // 60 * 60: v for t, v in points}
        series[result["Id"]] = [round(found.get(m, 0.0), 2) for m in minutes_list]
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
