"""The emulator's CloudWatch retention (embedded/ops/retention.py): datapoints folded as they
age and dropped past 15 days with their statistics kept; log events gone at their group's
retention, and a stream rotated at STREAM_EVENTS."""

import time
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from embedded.ops import retention

NOW = time.time()


@pytest.fixture
def aws():
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1"), boto3.client("logs", region_name="us-east-1")


def put(cloudwatch, age_s, value, count=1):
    at = datetime.fromtimestamp(NOW - age_s, UTC)
    cloudwatch.put_metric_data(Namespace="LiveInsight", MetricData=[{
        "MetricName": "ProcessingTime", "Dimensions": [{"Name": "service", "Value": "ingest"}], "Timestamp": at,
        "Values": [value], "Counts": [count], "Unit": "Milliseconds"}])


def stats(cloudwatch, start_age_s, end_age_s, period):
    found = cloudwatch.get_metric_statistics(
        Namespace="LiveInsight", MetricName="ProcessingTime", Dimensions=[{"Name": "service", "Value": "ingest"}],
        StartTime=datetime.fromtimestamp(NOW - start_age_s, UTC), EndTime=datetime.fromtimestamp(NOW - end_age_s, UTC),
        Period=period, Statistics=["SampleCount", "Sum", "Minimum", "Maximum"])["Datapoints"]
    return sorted((p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"]) for p in found)


def cloudwatch_backends_of():
    from moto.cloudwatch.models import cloudwatch_backends
    return cloudwatch_backends["123456789012"]["us-east-1"].metric_data


def datapoints():
    return len(cloudwatch_backends_of())


def test_old_datapoints_fold_into_sets_with_their_statistics(aws):
    cloudwatch, _ = aws
    minute = (NOW - 2 * 3600) // 60 * 60  # a minute two hours back
    for second in range(30):  # 30 seconds of it: folded into one set
        put(cloudwatch, NOW - (minute + second), 10 + second, count=3)
    for second in range(10):  # fresh: kept as it came
        put(cloudwatch, 60 + second, 5)
    put(cloudwatch, 16 * 86400, 99)  # past 15 days: dropped
    before = stats(cloudwatch, 3 * 3600, 0, 86400)
    assert datapoints() == 30 * 3 + 10 + 1

    gone = retention.sweep(now=NOW)

    assert datapoints() == 1 + 10  # one set for the old minute, the fresh ones as they were
    stamps = [d.timestamp for d in cloudwatch_backends_of()]
    assert stamps == sorted(stamps)  # oldest first, as alarm evaluation reads them
    assert gone["datapoints"] == 30 * 3 + 1 - 1
    assert stats(cloudwatch, 3 * 3600, 0, 86400) == before
    assert retention.sweep(now=NOW)["datapoints"] == 0  # folded once, not again


def test_a_scale_shortens_every_age(aws):
    cloudwatch, _ = aws
    for second in range(20):
        put(cloudwatch, 120 + second, 1)
    retention.sweep(now=NOW, scale=1 / 60)  # an hour becomes a minute
    assert datapoints() <= 2


def test_log_events_go_at_retention_and_streams_rotate(aws, monkeypatch):
    _, logs = aws
    monkeypatch.setattr(retention, "STREAM_EVENTS", 100)
    logs.create_log_group(logGroupName="/aws/lambda/ingest")
    logs.put_retention_policy(logGroupName="/aws/lambda/ingest", retentionInDays=1)
    logs.create_log_stream(logGroupName="/aws/lambda/ingest", logStreamName="a")
    now_ms = int(NOW * 1000)
    old = [{"timestamp": now_ms - 2 * 86400 * 1000 + i, "message": f"old {i}"} for i in range(50)]
    new = [{"timestamp": now_ms - 1000 + i, "message": f"new {i}"} for i in range(150)]
    from moto.logs.models import logs_backends
    stream = logs_backends["123456789012"]["us-east-1"].groups["/aws/lambda/ingest"].streams["a"]
    for batch in (old, new):  # put straight in: the API refuses events older than 14 days only
        logs.put_log_events(logGroupName="/aws/lambda/ingest", logStreamName="a", logEvents=batch)

    gone = retention.sweep(now=NOW)

    messages = [e.message for e in stream.events]
    assert gone["log events"] == 100 and messages == [f"new {i}" for i in range(50, 150)]
