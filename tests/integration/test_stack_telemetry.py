"""Function logs reach CloudWatch Logs; EMF and service metrics reach CloudWatch."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from botocore.exceptions import ClientError

from tests.ingest_support import event
from tests.stack_support import eventually

pytestmark = pytest.mark.integration


def log_messages(stack, group):
    logs = stack.client("logs")
    events = logs.filter_log_events(logGroupName=group)["events"]
    return [e["message"] for e in events]


def metric_sum(stack, namespace, name, dims):
    now = datetime.now(UTC)
    points = stack.client("cloudwatch").get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=1),
        Period=60, Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


def test_handler_output_goes_to_the_function_log_group(stack):
    response = requests.get(f"{stack.probe}/log", timeout=10)
    request_id = response.json()["context"]["aws_request_id"]

    def invocation() -> list[str]:  # its lines, once the last of them (REPORT) has arrived
        try:
            found = [m for m in log_messages(stack, "/aws/lambda/probe-probe") if request_id in m]
        except ClientError:  # the group is made with the function's first log lines
            return []
        return found if any(m.startswith("REPORT") for m in found) else []

    messages = eventually(invocation)

    assert f"probe log line {request_id}" in messages
    assert f"START RequestId: {request_id} Version: $LATEST" in messages
    assert any(m.startswith(f"REPORT RequestId: {request_id}\tDuration:") for m in messages)


def test_cold_start_is_visible_as_init_duration(stack):
    messages = eventually(lambda: [m for m in log_messages(stack, "/aws/lambda/probe-probe")
                                   if "Init Duration" in m])

    assert messages


def test_timeout_is_logged(stack):
    requests.get(f"{stack.probe}/sleep?seconds=2", timeout=10)

    assert eventually(lambda: [m for m in log_messages(stack, "/aws/lambda/probe-probe")
                               if "Task timed out after 1.00 seconds" in m])


def test_emf_lines_become_cloudwatch_metrics(stack):
    requests.get(f"{stack.probe}/log", timeout=10)

    assert eventually(lambda: metric_sum(stack, "Probe", "ProbeCount", {"service": "probe"}) >= 3)


def test_ingest_metrics_logs_and_service_metrics_are_recorded(stack):
    assert stack.post(event("page_view", int(time.time() * 1000))).status_code == 200
    function = stack.outputs["IngestFunctionName"]
    api_id = stack.outputs["HttpApiId"]

    assert eventually(lambda: metric_sum(stack, "LiveInsight", "EventsProcessed", {"service": "ingest"}) >= 1)
    assert eventually(lambda: metric_sum(stack, "AWS/Lambda", "Invocations", {"FunctionName": function}) >= 1)
    assert eventually(lambda: metric_sum(stack, "AWS/ApiGateway", "Count", {"ApiId": api_id}) >= 1)
    assert eventually(lambda: any("EventsProcessed" in m for m in log_messages(stack, f"/aws/lambda/{function}")))


def test_errors_and_throttles_are_counted_as_lambda_records_them(stack):
    requests.get(f"{stack.probe}/fail", timeout=10)

    assert eventually(lambda: metric_sum(stack, "AWS/Lambda", "Errors", {"FunctionName": "probe-probe"}) >= 1)
